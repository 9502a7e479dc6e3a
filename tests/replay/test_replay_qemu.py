#!/usr/bin/env python3
"""Record in QEMU, replay on the host (issue 9). The hypervisor boots with
trace=on; `glass trace record --join` records our guest's mmtest, mmbench
and procs runs; `glass replay --verify` must then re-execute every modelled
hypercall with the recorded result and match every checkpoint. A copy with
one byte of one mmu_update's argument flipped (chunk CRCs fixed, so the
reader accepts it) must diverge at exactly that record, and a truncated copy
must replay the records before the damage, named with its byte offset.

The recording is uncompressed so the copy can be edited with the standard
library (traces/FORMAT.md is the layout).
Run: python3 tests/replay/test_replay_qemu.py
"""

import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import glasshouse_qemu  # noqa: E402

HV = os.environ.get("GLASSHOUSE_HV", "build/hv/hv.bin")
GUEST = os.environ.get("GLASSHOUSE_GUEST", "build/guest/guest.elf")
GLASS = os.environ.get("GLASSHOUSE_GLASS", "build/introspect/glass")
HV_ELF = os.path.splitext(HV)[0] + ".elf"

ENTRY = 1
HC_MMU_UPDATE = 1
CHUNK_HEADER = 40


def chunks(data):
    """(offset of header, kind, stored bytes) of every chunk, in order."""
    off = struct.unpack_from("<H", data, 14)[0]
    while data[off:off + 4] == b"CHNK":
        kind, codec, raw, stored = struct.unpack_from("<HHII", data, off + 4)
        assert codec == 0, "expected an uncompressed trace"
        yield off, kind, stored
        off += CHUNK_HEADER + stored


def flip_mmu_update_arg(data, nth):
    """Flips the low byte of args[0] of the nth mmu_update entry; returns
    (new bytes, index of that record among the event records)."""
    out = bytearray(data)
    index = 0
    seen = 0
    for off, kind, stored in chunks(data):
        if kind != 2:
            continue
        body = off + CHUNK_HEADER
        pos = body
        while pos < body + stored:
            t, _, size = struct.unpack_from("<HHI", data, pos)
            nr = struct.unpack_from("<I", data, pos + 24)[0] if t == ENTRY else None
            if t == ENTRY and nr == HC_MMU_UPDATE:
                seen += 1
                if seen == nth:
                    out[pos + 32] ^= 0x01  # args[0], low byte
                    # The chunk's CRCs cover the data and then the header.
                    struct.pack_into("<I", out, off + 28, zlib.crc32(out[body:body + stored]))
                    struct.pack_into("<I", out, off + 36, zlib.crc32(out[off:off + 36]))
                    return bytes(out), index
            index += 1
            pos += size
    raise AssertionError(f"fewer than {nth} mmu_update calls recorded")


class ReplayQemuTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for path, what in ((HV, "hypervisor"), (GUEST, "guest"), (GLASS, "glass")):
            if not os.path.isfile(path):
                raise AssertionError(f"{what} {path} does not exist: build it first")
        cls.dir = tempfile.TemporaryDirectory(prefix="glass-replay-")
        cls.trace = os.path.join(cls.dir.name, "run.trace")
        mem = f"/dev/shm/glass-replay-test-{os.getpid()}.ram"
        try:
            with glasshouse_qemu.Running(HV, [(GUEST, "mmtest mmbench procs shutdown=poweroff")],
                                         hv_args="trace=on trace_ckpt=256",
                                         shared_memory=mem) as q:
                rec = subprocess.run(
                    [GLASS, "trace", "record", "--join", "--quiet", "--uncompressed", "--mem",
                     mem, "--hv-elf", HV_ELF, cls.trace],
                    capture_output=True, text=True, timeout=150)
                q.wait_for(r"domain 0 shut down", 30)
                cls.log = q.log
        finally:
            if os.path.exists(mem):
                os.unlink(mem)
        if rec.returncode != 0:
            raise AssertionError(f"glass trace record failed:\n{rec.stderr}")
        with open(cls.trace, "rb") as f:
            cls.data = f.read()

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def replay(self, path, *args):
        return subprocess.run([GLASS, "replay", path, *args], capture_output=True, text=True,
                              timeout=120)

    def copy(self, name, data):
        path = os.path.join(self.dir.name, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_every_result_and_checkpoint_matches(self):
        r = self.replay(self.trace, "--verify")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("no divergence", r.stdout)
        m = re.search(r"re-executed (\d+), results matched (\d+)", r.stdout)
        self.assertTrue(m, r.stdout)
        self.assertEqual(m.group(1), m.group(2), r.stdout)
        self.assertGreater(int(m.group(1)), 1000, r.stdout)  # mmbench's mmu_updates
        m = re.search(r"checkpoints: (\d+) of (\d+) matched", r.stdout)
        self.assertEqual(m.group(1), m.group(2), r.stdout)
        self.assertGreater(int(m.group(2)), 10, r.stdout)
        # Page tables the guest built itself were validated from recorded contents.
        m = re.search(r"validated frames: (\d+) with recorded contents, 0 without", r.stdout)
        self.assertTrue(m and int(m.group(1)) > 0, r.stdout)
        # What replay does not model is named and counted.
        self.assertIn("not modelled: console_io", r.stdout)

    def test_a_flipped_argument_byte_diverges_at_its_record(self):
        flipped, index = flip_mmu_update_arg(self.data, 40)
        r = self.replay(self.copy("flipped.trace", flipped))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("first divergence: record", r.stdout)
        self.assertIn(f"mmu_update entered at record {index})", r.stdout)

    def test_a_truncated_file_replays_the_records_before_the_damage(self):
        cut = self.copy("cut.trace", self.data[:len(self.data) * 2 // 3])
        r = self.replay(cut, "--verify")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        m = re.search(r"is damaged at byte (\d+)", r.stderr)
        self.assertTrue(m, r.stderr)
        self.assertLessEqual(int(m.group(1)), len(self.data) * 2 // 3)
        self.assertIn("no divergence", r.stdout)
        m = re.search(r"replayed (\d+) of (\d+) records", r.stdout)
        self.assertEqual(m.group(1), m.group(2))
        self.assertGreater(int(m.group(1)), 0)


if __name__ == "__main__":
    unittest.main()
