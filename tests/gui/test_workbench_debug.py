#!/usr/bin/env python3
"""Breakpoint, single step and destroy from the workbench (issue 10).

QEMU runs dom0 and d1 beating every 100 ms (each beat calls printk), guest
RAM shared and the control port on COM3. A first workbench, driven by
--script, selects d1 in the Disassembly panel, sets a breakpoint on printk
through the control channel and waits until the state read from the
hypervisor shows d1's vCPU stopped there, then single-steps once. The
hypervisor (glass inspect) must then show d1 paused with RIP one
instruction past printk's entry, and d1's beats must have stopped. A second
workbench destroys d1 from the Domains panel (it is still stopped there): the
hypervisor must report it destroyed and domain 0's toolstack reap it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_workbench import GUEST, SHOTS, LiveWorkbenchCase  # noqa: E402


def symbol(name: str) -> int:
    out = subprocess.run(["nm", GUEST], capture_output=True, text=True, check=True).stdout
    hits = [int(f[0], 16) for f in (line.split() for line in out.splitlines()) if f[-1] == name]
    if len(hits) != 1:
        raise AssertionError(f"{name} found {len(hits)} times in {GUEST}")
    return hits[0]


class WorkbenchDebug(LiveWorkbenchCase):
    MODULES = [(GUEST, "start=1:16:1"), (GUEST, "beat=100")]
    READY = r"^\(d1\) Glasshouse guest: beat \d+"
    READY_WHAT = "d1 never beat"

    def domains(self) -> dict[int, dict]:
        return {d["id"]: d for d in self.inspect("domains")["domains"]}

    def workbench(self, script: str) -> None:
        r = self.run_workbench(script)
        self.assertEqual(r.returncode, 0, f"script {script!r}:\n{r.stdout}{r.stderr}\n"
                         f"--- serial ---\n{self.qemu.log[-2000:]}")

    def beats(self) -> int:
        return sum(1 for line in self.qemu.lines() if line.startswith("(d1) Glasshouse guest: beat"))

    def test_1_breakpoint_then_step(self):
        printk = symbol("_ZN5guest6printkEPKcz")
        at = f"{printk:x}"
        shot = os.path.join(SHOTS, "debug-stepped.png")
        self.workbench(f"wait-domains 2 3000; select 1; focus Disassembly; "
                       f"panel Disassembly: break {at}; panel Disassembly: wait-rip {at}; "
                       f"wait-paused 1 3000; panel Disassembly: step; wait 10; "
                       f"screenshot {shot}; quit")
        d1 = self.domains()[1]
        self.assertGreaterEqual(d1["pause_count"], 1, d1)
        rip = d1["vcpus"][0]["regs"]["rip"]
        # One instruction past the entry: x86 instructions are 1 to 15 bytes.
        self.assertTrue(printk < rip <= printk + 15,
                        f"rip {rip:#x} is not one step past printk at {printk:#x}")
        stopped = self.beats()
        time.sleep(1.5)  # 15 beats' worth
        self.assertEqual(self.beats(), stopped, "d1 kept beating while stopped")
        self.assertTrue(os.path.getsize(shot) > 0)

    def test_2_destroy(self):
        self.workbench("wait-domains 2 3000; select 1; panel Domains: destroy 1; "
                       "wait-domains 1 3000; quit")
        m = self.qemu.wait_for(r"^hv: d1 destroyed", 30)
        self.assertTrue(m, "the hypervisor never destroyed d1")
        doms = self.domains()
        self.assertNotIn(1, doms)
        self.assertIn(0, doms)
        # Destroy is a kill, which the hypervisor makes a poweroff of d1
        # (gdbstub/PROTOCOL.md): domain 0's toolstack reaps it like any
        # domU that exits, and with no domU left its wait ends.
        self.assertTrue(self.qemu.wait_for(r"^\(d0\) Glasshouse toolstack: d1 destroyed: ok", 30),
                        "domain 0 never reaped d1")
        self.assertTrue(self.qemu.wait_for(r"^\(d0\) Glasshouse toolstack: all domUs finished",
                                           30), "domain 0 still waits for d1")


if __name__ == "__main__":
    unittest.main()
