#!/usr/bin/env python3
"""End to end: `glass inspect` against a live Glasshouse in QEMU.

QEMU keeps guest RAM in a shared file; dom0 starts a spinning domU and waits
for it forever, so both stay up while the CLI reads the hypervisor's state.
The library's view must agree with what the guests print about themselves:
their page-table base walks to the L4 frame the vCPU runs on, their kernel
base to p2m[0]; the domU has the memory it was given; the frame counts per
type add up to all frames; errors are precise.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "boot"))
import glasshouse_qemu  # noqa: E402

HV = os.environ.get("GLASSHOUSE_HV", "build/hv/hv.bin")
HV_ELF = os.environ.get("GLASSHOUSE_HV_ELF", "build/hv/hv.elf")
GUEST = os.environ.get("GLASSHOUSE_GUEST", "build/guest/guest.elf")
CLI = os.environ.get("GLASS_CLI", "build/introspect/glass")
BENCH = os.environ.get("GLASS_BENCH", "build/tests/introspect/glass_introspect_bench")
MEMORY_MB = 512
KERNEL_BASE = 0xFFFFFFFF80000000

START_INFO = re.compile(r"^\(d(\d+)\) Glasshouse guest: pt_base (0x[0-9a-f]+)")
P2M = re.compile(r"^\(d(\d+)\) Glasshouse guest: mfn_list readable: p2m\[0\] (0x[0-9a-f]+)")


class LiveIntrospection(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fd, cls.mem = tempfile.mkstemp(prefix="glass-live-", suffix=".ram", dir="/dev/shm")
        os.close(fd)
        cmd = glasshouse_qemu.qemu_command(
            HV, [(GUEST, "start=1:16:1"), (GUEST, "spin")], memory_mb=MEMORY_MB,
            shared_memory=cls.mem)
        cls.qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        cls.lines: list[str] = []
        ready = threading.Event()

        def read():
            for raw in cls.qemu.stdout:
                line = raw.decode(errors="replace").rstrip("\r\n")
                cls.lines.append(line)
                if line.startswith("(d1) Glasshouse guest: spinning"):
                    ready.set()
        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(120):
            cls.tearDownClass()
            raise AssertionError("domU never started spinning:\n" + "\n".join(cls.lines[-30:]))
        time.sleep(0.5)
        cls.pt_base = {}
        cls.p2m0 = {}
        for line in cls.lines:
            if m := START_INFO.match(line):
                cls.pt_base[int(m[1])] = int(m[2], 16)
            if m := P2M.match(line):
                cls.p2m0[int(m[1])] = int(m[2], 16)

    @classmethod
    def tearDownClass(cls):
        try:
            os.killpg(cls.qemu.pid, 9)
        except ProcessLookupError:
            pass
        cls.qemu.wait()
        os.unlink(cls.mem)

    def glass(self, *args, elf=True, ok=True):
        cmd = [CLI, "inspect", "--mem", self.mem] + (["--hv-elf", HV_ELF] if elf else [])
        r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def json(self, *args, elf=True):
        return json.loads(self.glass("--json", *args, elf=elf).stdout)

    def test_domains_have_the_memory_they_were_given(self):
        doms = {d["id"]: d for d in self.json("domains")["domains"]}
        self.assertEqual(sorted(doms), [0, 1])
        self.assertTrue(doms[0]["privileged"])
        self.assertEqual(doms[1]["memory_kib"], 16 * 1024)
        self.assertEqual(doms[1]["cmdline"], "spin")
        self.assertEqual(doms[1]["state"], "running")
        self.assertEqual(len(doms[0]["vcpus"]), 2)

    def test_scanning_finds_the_same_root_as_the_symbol(self):
        self.assertEqual(self.json("domains", elf=False)["domains"],
                         self.json("domains")["domains"])

    def test_frame_counts_add_up_to_all_frames(self):
        f = self.json("frames")
        self.assertEqual(sum(f["counts"].values()), f["nr_frames"])
        self.assertGreaterEqual(f["nr_frames"] * 4096, (MEMORY_MB - 2) << 20)
        for t in ("l1", "l2", "l3", "l4", "xen", "free"):
            self.assertGreater(f["counts"][t], 0, t)
        # A domain's frames of every class add up to what it owns.
        d1 = self.json("frames", "--domain", "1")
        doms = {d["id"]: d for d in self.json("domains")["domains"]}
        self.assertEqual(d1["matching"], doms[1]["nr_pages"])

    def test_pt_base_walks_to_the_l4_the_vcpu_runs_on(self):
        doms = {d["id"]: d for d in self.json("domains")["domains"]}
        for dom in (0, 1):
            l4 = doms[dom]["vcpus"][0]["kernel_l4_mfn"]
            w = self.json("walk", str(dom), hex(self.pt_base[dom]))
            self.assertTrue(w["mapped"], w)
            self.assertEqual(w["mfn"], l4)
            self.assertEqual([s["level"] for s in w["levels"]], [4, 3, 2, 1])
            self.assertFalse(w["writable"], "a page table must be mapped read-only")
            base = self.json("walk", str(dom), hex(KERNEL_BASE))
            self.assertEqual(base["mfn"], self.p2m0[dom])
            # The L4 is pinned and typed, and its own read-only mapping is found.
            frames = self.json("frames", "--type", "l4", "--domain", str(dom), "--list")
            entry = [f for f in frames["frames"] if f["mfn"] == l4]
            self.assertEqual(len(entry), 1)
            self.assertTrue(entry[0]["pinned"])
            refs = self.json("reverse", str(l4))["mappings"]
            self.assertIn(w["levels"][3]["table_mfn"], [r["table_mfn"] for r in refs])

    def test_event_channels(self):
        ports = self.json("evtchn", "0")["ports"]
        self.assertTrue(any(p["state"] == "Virq" and p["virq"] == 3 for p in ports),
                        "dom0's toolstack binds VIRQ_DOM_EXC")
        d1 = self.json("evtchn", "1")["ports"]
        self.assertTrue(any(p["state"] == "Unbound" and p["remote_dom"] == 0 for p in d1),
                        "the domU's console and store ports wait for dom0")

    def test_precise_errors(self):
        r = self.glass("walk", "1", "0xdead0000", ok=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("0xdead0000 is not mapped in domain 1: L4 entry 0 not present", r.stderr)
        r = self.glass("evtchn", "9", ok=False)
        self.assertIn("no such domain 9", r.stderr)
        r = subprocess.run([CLI, "inspect", "--mem", self.mem + ".absent", "domains"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing running", r.stderr)

    def test_a_60hz_reader_sees_consistent_snapshots(self):
        r = subprocess.run([BENCH, "--mem", self.mem, "--reader-hz", "60", "--seconds", "2"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"reader: (\d+) snapshots at 60 Hz, (\d+) not consistent", r.stdout)
        self.assertTrue(m, r.stdout)
        self.assertGreater(int(m[1]), 60)
        self.assertLess(int(m[2]), int(m[1]) // 10)
        print(r.stdout.strip(), file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
