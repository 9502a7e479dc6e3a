#!/usr/bin/env python3
"""The split block driver (guest/blk/): domain 0 serves a RAM disk to two
domUs over shared rings; each writes patterned blocks, checks that reads
behind a barrier see the barrier's data, flushes, reads everything back,
and has malformed requests refused without harming the backend."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_guest_boot import GUEST, BootCase  # noqa: E402


class Blk(BootCase):
    def test_two_domus_do_block_io_with_barriers_and_verify(self):
        self.require(GUEST, "guest kernel", "guest.elf")
        r = self.boot([(GUEST, "start=1:16:1 start=2:16:1 blkback"),
                       (GUEST, "blk=200"), (GUEST, "blk=120")], timeout=240)
        self.assertExit(r, "poweroff")
        for d, n in ((1, 200), (2, 120)):
            self.assertInLog(r, f"(d0) Glasshouse blkback: d{d} connected:")
            self.assertInLog(r, f"(d{d}) Glasshouse blk: wrote {n} blocks")
            self.assertInLog(r, f"(d{d}) Glasshouse blk: barriers: 40 reads after "
                                "write+barrier saw the barrier's data, flushes ok")
            self.assertInLog(r, f"(d{d}) Glasshouse blk: read back {n} blocks, all match")
            self.assertInLog(r, f"(d{d}) Glasshouse blk: malformed requests refused (4/4)")
            self.assertInLog(r, f"(d{d}) Glasshouse blk: verified {n} blocks")
            self.assertInLog(r, f"Glasshouse toolstack: d{d} exited: poweroff")
        self.assertNotIn("FAILED", r.serial_log)
        # The backend really reordered requests (the barriers had work to do).
        reordered = [int(x) for x in re.findall(r"flushes, (\d+) run out of order", r.serial_log)]
        self.assertEqual(len(reordered), 2, r.serial_log[-2000:])
        self.assertTrue(all(x > 0 for x in reordered), reordered)
        # Grant mappings were undone before each domU was destroyed.
        self.assertEqual(len(re.findall(r"destroyed \(0 frame\(s\) still referenced elsewhere\)",
                                        r.serial_log)), 2, r.serial_log[-2000:])
        self.assertInLog(r, "Glasshouse toolstack: all domUs finished")


    def test_benchmark(self):
        """Block-ring round trip and throughput between a domU frontend and
        domain 0's backend, and the time to create, build and destroy a
        16 MiB domain. -icount shift=2 (4 ns per instruction, TSC in ns):
        the figures repeat run to run and a loaded host cannot skew them."""
        self.require(GUEST, "guest kernel", "guest.elf")
        r = self.boot([(GUEST, "start=1:16:1 blkback churn=2:20"), (GUEST, "blkbench=2000"),
                       (GUEST, "shutdown=poweroff")], timeout=240, icount=2)
        self.assertExit(r, "poweroff")
        lines = [l for l in r.serial_log.splitlines()
                 if "blk: bench:" in l or "churn:" in l]
        for pat in (r"round-trip latency \d+ us", r"read \d+ requests/s, [\d.]+ MiB/s",
                    r"write \d+ requests/s, [\d.]+ MiB/s",
                    r"churn: 20 domains created and destroyed in \d+ us \(\d+ us each\)"):
            self.assertTrue(any(re.search(pat, l) for l in lines), (pat, r.serial_log[-3000:]))
        print("\n" + "\n".join(lines))


if __name__ == "__main__":
    unittest.main()
