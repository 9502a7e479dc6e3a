#!/usr/bin/env python3
"""The guest kernel booted natively, without the hypervisor (guest-native.bin,
guest/arch/x86_64/native/): QEMU's -kernel starts it through Multiboot 1, it
runs the PV kernel's process test and benchmark in ring 0/3 on its own
descriptor tables, page tables and SYSCALL MSRs, and powers off through
isa-debug-exit with the hypervisor's values (glasshouse_qemu.py).

Every check is made by the guest on real execution and printed as a line;
a failed one powers off as "crash". Path: GLASSHOUSE_NATIVE (ctest sets it)
or build/guest/guest-native.bin.
Run: python3 tests/boot/test_native_boot.py NativeBoot.test_user_mode_system_calls_and_exceptions
"""

import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glasshouse_qemu  # noqa: E402
from test_guest_boot import GUEST, HV, REPO, BootCase  # noqa: E402

NATIVE = os.environ.get("GLASSHOUSE_NATIVE",
                        os.path.join(REPO, "build", "guest", "guest-native.bin"))
BENCH_RE = re.compile(r"Glasshouse bench: (.+): (\d+) cycles \((\d+) ns\)")


class NativeBoot(BootCase):
    def boot_native(self, args, **kw):
        self.require(NATIVE, "native guest image", "guest-native.elf")
        # The kernel is the -kernel image itself: no hypervisor, no modules.
        return glasshouse_qemu.boot(NATIVE, [], args, timeout=120, smp=1, **kw)

    def test_user_mode_system_calls_and_exceptions(self):
        r = self.boot_native("procs bench", icount=2)
        self.assertExit(r, "poweroff")
        for line in (
                "Glasshouse native: hello from ring 0, no hypervisor",
                "Glasshouse native: cmd_line '",
                "Glasshouse native: GDT, TSS, IDT (vectors 0-19) and SYSCALL MSRs loaded",
                "Glasshouse native: 4 address spaces, each with its own page at 0x40000000: ok",
                "Glasshouse native: int3 in ring 0 returned with all 15 registers intact: ok",
                "Glasshouse procs: TSS.rsp0 and SYSCALL entry stack: ok",
                "Glasshouse procs: pid 1 writes 'hello from user mode'",
                "Glasshouse procs: system calls arrived from user mode (cs RPL 3) on each "
                "process's stack: ok",
                # exit(100 + getpid()): the system call's result, seen by the kernel.
                "Glasshouse procs: getpid and exit: exit codes 100 + pid: ok",
                # The CPU's own #PF error code: U (0x4) says the access came from ring 3.
                "Glasshouse procs: pid 3: vector 14 error 0x4 cr2 0xdead0000",
                "Glasshouse procs: user page fault: #PF with cr2 0xdead0000 and the U bit, "
                "process killed: ok",
                "Glasshouse procs: processes ran in turn (writes by pid 1 2 3 1 2): ok",
                "Glasshouse procs: ok",
                "Glasshouse native: shutting down (poweroff)"):
            self.assertInLog(r, line)
        self.assertNotIn("ignoring unknown option", r.serial_log)
        figures = {m.group(1): int(m.group(2)) for m in BENCH_RE.finditer(r.serial_log)}
        # proc.cpp returns 0 (and the guest crashes) unless every int3 came
        # back and both yielding processes exited cleanly.
        for name in ("system call round trip from user mode (getpid)",
                     "exception bounce round trip (int3 in kernel mode)",
                     "context switch between two address spaces on one CPU (half a yield)"):
            self.assertIn(name, figures, r.serial_log)
            self.assertGreater(figures[name], 0)
        print("\n" + "\n".join(f"{n}: {c} cycles" for n, c in figures.items()))

    def test_unknown_option_is_reported(self):
        r = self.boot_native("nosuchoption")
        self.assertExit(r, "poweroff")
        self.assertInLog(r, "Glasshouse native: ignoring unknown option 'nosuchoption'")

    def test_pv_vs_native_table(self):
        """guest/scripts/pv-vs-native.py end to end: four boots, one table.
        Every operation measured both ways must cost more under PV (each
        one crosses into the hypervisor at least twice)."""
        for path, what, target in ((HV, "hypervisor image", "hv.elf"),
                                   (GUEST, "guest kernel", "guest.elf"),
                                   (NATIVE, "native guest image", "guest-native.elf")):
            self.require(path, what, target)
        script = os.path.join(REPO, "guest", "scripts", "pv-vs-native.py")
        run = subprocess.run([sys.executable, script, "--hv", HV, "--guest", GUEST,
                              "--native", NATIVE], capture_output=True, text=True, timeout=900)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        print("\n" + run.stdout)
        rows = [l for l in run.stdout.splitlines()[1:] if l.strip()]
        self.assertEqual(len(rows), 5, run.stdout)
        paired = 0
        for row in rows:
            pv, native, ratio = row.split()[-3:]
            self.assertGreater(int(pv.replace(",", "")), 0, row)
            if native == "-":
                continue
            paired += 1
            self.assertGreater(int(pv.replace(",", "")), int(native.replace(",", "")), row)
            self.assertTrue(ratio.endswith("x") and float(ratio[:-1]) > 1, row)
        self.assertEqual(paired, 3, run.stdout)


if __name__ == "__main__":
    unittest.main()
