#!/usr/bin/env python3
"""Issue 6's system test in one boot (guest/scenario.hpp): domain 0 starts
three domUs that do block I/O with barriers and verify their data; the
third crashes on purpose and the others finish; the second is paused
mid-I/O and its progress stops and resumes; ballooning moves 4 MiB from the
first domU to the second; at the end a frame census over the hypervisor's
frame table accounts for every frame. Domain 0 relays the domUs' console
rings onto its own console throughout.

Runs under -icount shift=2 on two vCPUs: figures and timings repeat, and a
loaded host cannot stretch the scenario's timed steps."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_guest_boot import GUEST, BootCase  # noqa: E402


class Scenario(BootCase):
    def test_three_domus_io_crash_pause_balloon_and_every_frame_accounted(self):
        self.require(GUEST, "guest kernel", "guest.elf")
        r = self.boot([(GUEST, "start=1:24:1 start=2:24:1 start=3:16:1 blkback scenario consoles"),
                       (GUEST, "blk=64 balloon"), (GUEST, "blk=64 blksoak=30 balloon"),
                       (GUEST, "blk=32 fault=pf")], timeout=240, icount=2)
        self.assertExit(r, "poweroff")
        log = r.serial_log
        for d, n in ((1, 64), (2, 64), (3, 32)):
            self.assertInLog(r, f"(d{d}) Glasshouse blk: barriers: ")
            self.assertInLog(r, f"(d{d}) Glasshouse blk: verified {n} blocks")
        self.assertInLog(r, "(d2) Glasshouse blk: soak: 30 rounds of 64 blocks written and verified")
        # Domain 0 shows each domU's console ring on its own console, and a
        # domU's last words before the report of its exit.
        for d, n in ((1, 64), (2, 64), (3, 32)):
            self.assertInLog(r, f"(d0) [d{d}] Glasshouse blk: verified {n} blocks")
        last = log.index("(d0) [d3] Glasshouse guest: fault=pf: reading unmapped address")
        self.assertLess(last, log.index("Glasshouse toolstack: d3 exited: crashed"))
        # The crash stays in its domain and is reported; the others finish.
        self.assertInLog(r, "hv: ERROR: domain 3 crashed")
        self.assertInLog(r, "Glasshouse toolstack: d3 exited: crashed")
        for d in (1, 2):
            self.assertInLog(r, f"Glasshouse toolstack: d{d} exited: poweroff")
        m = re.search(r"d2 paused for (\d+) ms: \+(\d+) requests, \+(\d+) us of CPU \(pause count "
                      r"1\); after unpause: (\d+) requests", log)
        self.assertTrue(m, log[-3000:])
        self.assertEqual((m.group(2), m.group(3)), ("0", "0"))
        self.assertGreater(int(m.group(4)), 0)
        m = re.search(r"balloon: d1 (\d+) -> (\d+) pages \(reported \d+\), d2 (\d+) -> (\d+) pages "
                      r"\(reported \d+\), free (\d+) -> (\d+) \(after the giver: (\d+)\)", log)
        self.assertTrue(m, log[-3000:])
        g0, g1, t0, t1, f0, f1, fmid = map(int, m.groups())
        self.assertEqual((g0 - g1, t1 - t0), (1024, 1024))
        self.assertEqual(f0, f1)
        self.assertEqual(fmid - f0, 1024)  # the giver's frames went to the free pool first
        m = re.search(r"frames: total (\d+) = free (\d+) \+ domains (\d+) \+ hypervisor (\d+) \+ "
                      r"orphaned (\d+); allocator free (\d+); (\d+) domain\(s\), (\d+) mismatched",
                      log)
        self.assertTrue(m, log[-3000:])
        total, free, doms, hv, orphaned, alloc_free, ndoms, mism = map(int, m.groups())
        self.assertEqual(total, free + doms + hv + orphaned)
        self.assertEqual((orphaned, mism, ndoms), (0, 0, 1))
        self.assertEqual(alloc_free, free)
        print("\n" + "\n".join(l for l in log.splitlines() if "scenario:" in l))
        self.assertNotIn("FAILED", log)
        self.assertInLog(r, "Glasshouse scenario: ok")


if __name__ == "__main__":
    unittest.main()
