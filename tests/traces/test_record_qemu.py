#!/usr/bin/env python3
"""Recording a real run (issue 9): the hypervisor boots in QEMU with
trace=on, `glass trace record --join` drains its per-CPU rings from the
shared RAM file while our guest runs mmtest and procs, and the file it
writes is checked record by record: a snapshot of the state the recording
began with, every hypercall entry matched by its exit, mmu_update's request
array among the reads, checkpoints, no loss. A second run with a 16 KiB
ring and a consumer that stalls on purpose must lose records, count them,
and say so in the stream (LostRecords) with the same count.

The file is written uncompressed so this test reads it with the standard
library alone (traces/FORMAT.md is the layout).
Run: python3 tests/traces/test_record_qemu.py
"""

import os
import socket
import struct
import subprocess
import sys
import tempfile
import unittest
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import glasshouse_qemu  # noqa: E402

HV = os.environ.get("GLASSHOUSE_HV", "build/hv/hv.bin")
GUEST = os.environ.get("GLASSHOUSE_GUEST", "build/guest/guest.elf")
GLASS = os.environ.get("GLASSHOUSE_GLASS", "build/introspect/glass")
HV_ELF = os.path.splitext(HV)[0] + ".elf"

ENTRY, READ, EXIT, LOST, CHECKPOINT = 1, 2, 3, 11, 12
SNAP_DOMAIN, SNAP_FRAME, SNAP_PT, SNAP_EVTCHN, SNAP_VCPU, SNAP_MACHINE = range(0x100, 0x106)
HC_MMU_UPDATE = 1
READ_MACHINE_FRAME = 1


def read_trace(path):
    """(snapshot records, event records) of an uncompressed trace, each
    (type, cpu, domain, vcpu, flags, time, payload bytes)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"GLTRACE\x1a", "not a trace file"
    flags = struct.unpack_from("<I", data, 16)[0]
    assert flags & 1 == 0, "expected an uncompressed trace"
    header_bytes = struct.unpack_from("<H", data, 14)[0]
    off = header_bytes
    snapshot, events = [], []
    while data[off:off + 4] == b"CHNK":
        kind, codec, raw, stored = struct.unpack_from("<HHII", data, off + 4)
        assert codec == 0
        body = data[off + 40:off + 40 + stored]
        pos = 0
        while pos < len(body):
            t, cpu, size, dom, vcpu, fl, tm = struct.unpack_from("<HHIHHIQ", body, pos)
            rec = (t, cpu, dom, vcpu, fl, tm, body[pos + 24:pos + size])
            (snapshot if kind == 1 else events).append(rec)
            pos += size
        off += 40 + stored
    return snapshot, events


class Recording:
    """QEMU with trace=on and `glass trace record --join` beside it."""

    def __init__(self, test, guest_args, hv_args, record_args=(), timeout=150):
        for path, what in ((HV, "hypervisor"), (GUEST, "guest"), (GLASS, "glass")):
            if not os.path.isfile(path):
                test.fail(f"{what} {path} does not exist: build it first")
        self.dir = tempfile.TemporaryDirectory(prefix="glass-trace-")
        self.mem = f"/dev/shm/glass-trace-test-{os.getpid()}-{id(self)}.ram"
        self.out = os.path.join(self.dir.name, "run.trace")
        with glasshouse_qemu.Running(HV, [(GUEST, guest_args)], hv_args=hv_args,
                                     shared_memory=self.mem) as q:
            rec = subprocess.run(
                [GLASS, "trace", "record", "--join", "--quiet", "--uncompressed", "--mem",
                 self.mem, "--hv-elf", HV_ELF, *record_args, self.out],
                capture_output=True, text=True, timeout=timeout)
            q.wait_for(r"domain 0 shut down", 30)
            self.log = q.log
        if os.path.exists(self.mem):
            os.unlink(self.mem)
        self.stdout, self.stderr, self.rc = rec.stdout, rec.stderr, rec.returncode
        test.assertEqual(self.rc, 0, f"glass trace record failed:\n{self.stderr}\n{self.log}")
        self.snapshot, self.events = read_trace(self.out)

    def close(self):
        self.dir.cleanup()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RecordTest(unittest.TestCase):
    def test_start_and_stop_through_the_control_port(self):
        """No trace=on: glass starts recording with qGlasshouse.trace.start
        while the guest runs (the reply waits for the snapshot it drains),
        stops with .stop after --duration-ms, and .status says off again."""
        for path in (HV, GUEST, GLASS):
            if not os.path.isfile(path):
                self.fail(f"{path} does not exist: build it first")
        port = free_port()
        mem = f"/dev/shm/glass-trace-ctl-{os.getpid()}.ram"
        out = tempfile.NamedTemporaryFile(suffix=".trace", delete=False).name
        self.addCleanup(os.unlink, out)
        ctl = [GLASS, "ctl", "--connect", f"127.0.0.1:{port}", "raw"]
        try:
            with glasshouse_qemu.Running(HV, [(GUEST, "beat=20")], shared_memory=mem,
                                         control_port=port) as q:
                self.assertTrue(q.wait_for(r"beat 3", 60), q.log)
                before = subprocess.run([*ctl, "qGlasshouse.trace.status"], capture_output=True,
                                        text=True, timeout=30)
                rec = subprocess.run([GLASS, "trace", "record", "--quiet", "--uncompressed",
                                      "--control", f"127.0.0.1:{port}", "--duration-ms", "1500",
                                      "--mem", mem, "--hv-elf", HV_ELF, out],
                                     capture_output=True, text=True, timeout=120)
                after = subprocess.run([*ctl, "qGlasshouse.trace.status"], capture_output=True,
                                       text=True, timeout=30)
                log = q.log
        finally:
            if os.path.exists(mem):
                os.unlink(mem)
        self.assertEqual(rec.returncode, 0, rec.stderr + log)
        self.assertIn("(duration reached)", rec.stdout)
        self.assertTrue(before.stdout.startswith("0,0,"), before.stdout + before.stderr)
        self.assertTrue(after.stdout.startswith("0,1,"), after.stdout + after.stderr)  # off, 1 start
        self.assertIn("trace: recording (epoch 1", log)
        self.assertIn("trace: stopped (epoch 1)", log)
        snapshot, events = read_trace(out)
        self.assertTrue(any(t == SNAP_MACHINE for t, *_ in snapshot))
        # The heartbeat's console writes were recorded, entry and exit.
        console = [e for e in events if e[0] == ENTRY and struct.unpack_from("<I", e[6])[0] == 18]
        self.assertGreater(len(console), 5)

    def test_recording_is_complete_and_plausible(self):
        r = Recording(self, "mmtest procs shutdown=poweroff", "trace=on trace_ckpt=64")
        self.addCleanup(r.close)
        self.assertIn("Glasshouse mmtest: ", r.log)
        self.assertIn("Glasshouse procs: ok", r.log)

        # The snapshot: the machine, domain 0 with its vCPUs, its frames
        # and page tables, and its event channels.
        snap = Counter(t for t, *_ in r.snapshot)
        self.assertEqual(snap[SNAP_MACHINE], 1)
        self.assertEqual(snap[SNAP_DOMAIN], 1)
        self.assertGreaterEqual(snap[SNAP_VCPU], 1)
        self.assertGreater(snap[SNAP_FRAME], 128 * 256 - 1024)  # dom0's 128 MiB, and more
        self.assertGreater(snap[SNAP_PT], 3)                    # at least L4, L3, L2, L1
        pts = [p for t, _, _, _, _, _, p in r.snapshot if t == SNAP_PT]
        self.assertTrue(all(len(p) == 16 + 512 * 8 for p in pts))

        # Events: time-ordered, no loss, checkpoints every 64 records.
        times = [tm for *_, tm, _ in r.events]
        self.assertEqual(times, sorted(times))
        kinds = Counter(t for t, *_ in r.events)
        self.assertEqual(kinds[LOST], 0, r.stdout)
        self.assertIn(" 0 lost", r.stdout)
        self.assertGreater(kinds[CHECKPOINT], 2)

        # Every entry has its exit, per vCPU, nested (multicall), with the
        # same number; only the final shutdown may still be open.
        stacks = defaultdict(list)
        calls = []  # (nr, args, reads, result)
        for t, _, dom, vcpu, fl, _, p in r.events:
            key = (dom, vcpu)
            if t == ENTRY:
                nr, subop = struct.unpack_from("<II", p)
                args = struct.unpack_from("<6Q", p, 8)
                stacks[key].append([nr, args, []])
            elif t == READ:
                self.assertTrue(stacks[key], "a read outside any hypercall")
                va, n, _ = struct.unpack_from("<QII", p)
                stacks[key][-1][2].append((va, n, fl))
            elif t == EXIT:
                nr, _, result = struct.unpack_from("<IIq", p)
                self.assertTrue(stacks[key], f"exit of {nr} without an entry")
                call = stacks[key].pop()
                self.assertEqual(call[0], nr)
                calls.append((nr, call[1], call[2], result))
        open_calls = [c for s in stacks.values() for c in s]
        self.assertLessEqual(len(open_calls), 1, open_calls)
        self.assertGreater(len(calls), 100)

        # mmu_update: the request array (count * 16 bytes at the first
        # argument) is among what the hypervisor read for the call.
        mmu = [c for c in calls if c[0] == HC_MMU_UPDATE]
        self.assertGreater(len(mmu), 5)
        for nr, args, reads, result in mmu:
            guest_reads = [(va, n) for va, n, fl in reads if not fl & READ_MACHINE_FRAME]
            got = sum(n for va, n in guest_reads if args[0] <= va < args[0] + 16 * args[1])
            if result == 0:
                self.assertEqual(got, 16 * args[1], (args, reads))
        # Validated page tables come with the frame contents replay needs.
        frames = [x for c in calls for x in c[2] if x[2] & READ_MACHINE_FRAME]
        self.assertTrue(frames)
        self.assertTrue(all(n == 4096 for _, n, _ in frames))

    def test_filters_keep_only_the_chosen_hypercalls_and_domain(self):
        # trace_hc=1,26 (mmu_update, mmuext_op), trace_dom=0, at boot.
        r = Recording(self, "mmtest shutdown=poweroff", "trace=on trace_hc=1,26 trace_dom=0")
        self.addCleanup(r.close)
        nrs = Counter(struct.unpack_from("<I", p)[0] for t, *_, p in r.events if t == ENTRY)
        self.assertEqual(set(nrs), {1, 26}, nrs)
        self.assertTrue(all(dom == 0 for t, _, dom, *_ in r.events if t in (ENTRY, READ, EXIT)))
        # The snapshot is whole whatever the filters: replay needs all of it.
        self.assertGreater(sum(1 for t, *_ in r.snapshot if t == SNAP_FRAME), 30000)

    def test_small_ring_and_stalled_consumer_lose_records_and_say_so(self):
        r = Recording(self, "mmtest procs shutdown=poweroff", "trace=on trace_buf=16",
                      record_args=("--stall-ms", "1500"))
        self.addCleanup(r.close)
        lost_records = [struct.unpack_from("<QQ", p) for t, *_, p in r.events if t == LOST]
        self.assertTrue(lost_records, r.stdout)
        in_stream = sum(count for count, _ in lost_records)
        reported = int(r.stdout.split(" lost")[0].rsplit(" ", 1)[1])
        self.assertGreater(reported, 0)
        self.assertEqual(in_stream, reported, r.stdout)
        for count, first in lost_records:
            self.assertGreater(count, 0)
            self.assertGreater(first, 0)


if __name__ == "__main__":
    unittest.main()
