#!/usr/bin/env python3
"""The fault-injection panel in a real window (Xvfb) against a live Glasshouse.

QEMU runs dom0 with d1, the injection observer (guest inject=100: it
reports every fault it sees on its console), and d2, a beating bystander.
The workbench attaches with the control channel and a script drives the
panel: select d1, arm a #PF with a CR2 this run picks (no dom=: the form's
target is the selection), wait until the panel's list says done, arm an
NMI whose trigger never comes (the 4,000,000,000th memory_op), wait until
it is listed armed, screenshot; cancel it, wait until cancelled,
screenshot. Checked against what others see, not what the panel says:
 * d1's console reports the #PF with that CR2 and error code;
 * `glass inject list` (the CLI, over the same control port once the
   workbench has gone) lists the #PF done and delivered and the NMI
   cancelled, with the specs the panel built;
 * the screenshots show the table's state cells in the panel's exact
   colours (--print-palette): done and armed, then done and cancelled.
And bad input is refused in the form with the parser's reason: nothing is
sent.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_workbench import CLI, GUEST, SHOTS, LiveWorkbenchCase, palette  # noqa: E402
from png_pixels import read_png  # noqa: E402

OBS = r"^\(d1\) Glasshouse inject: "
PANEL = "Fault injection"


class WorkbenchInject(LiveWorkbenchCase):
    MODULES = [(GUEST, "start=1:16:1 start=2:16:1"), (GUEST, "inject=100"), (GUEST, "beat=1000")]
    READY = OBS + "beat 2$"
    READY_WHAT = "the observer never started beating"

    def workbench(self, script: str) -> subprocess.CompletedProcess:
        return self.run_workbench(script, size="1600x1000")

    def listing(self) -> list[dict]:
        r = subprocess.run([CLI, "inject", "--connect", f"127.0.0.1:{self.control}", "list"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rows = []
        for line in r.stdout.splitlines()[1:]:
            f = line.split()
            rows.append({"id": int(f[0]), "state": f[1], "effect": f[2], "detail": f[3],
                         "spec": " ".join(f[4:])})
        return rows

    def test_arm_watch_and_cancel_from_the_panel(self):
        c = palette()
        cr2 = random.randrange(0x10000, 0xfffff) << 12
        shots = {n: os.path.join(SHOTS, f"inject-{n}.png") for n in ("armed", "cancelled")}
        start = len(self.qemu.lines())
        script = (f"wait-domains 3 3000; select 1; focus {PANEL}; "
                  f"panel {PANEL}: arm pf cr2={cr2:#x} error=2; panel {PANEL}: wait done; "
                  f"panel {PANEL}: arm nmi on=memory_op after=4000000000; "
                  f"panel {PANEL}: wait armed; wait 20; "
                  f"screenshot-panel {PANEL}: {shots['armed']}; "
                  f"panel {PANEL}: cancel last; panel {PANEL}: wait cancelled; wait 20; "
                  f"screenshot-panel {PANEL}: {shots['cancelled']}; quit")
        r = self.workbench(script)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # The guest saw the fault the panel armed, with this run's CR2.
        m = self.qemu.wait_for(OBS + rf"observed #PF cr2={cr2:x} error=2 at [0-9a-f]+: "
                               r"handler ran, resumed", 15, start)
        self.assertIsNotNone(m, "d1 never reported the #PF:\n" +
                             "\n".join(self.qemu.lines()[start:])[-3000:])

        # The hypervisor's list, read by the CLI: what the panel armed, as it ended.
        rows = self.listing()
        pf = [x for x in rows if x["spec"] == f"pf;dom=1;cr2={cr2:x};error=2"]
        self.assertEqual(len(pf), 1, rows)
        self.assertEqual((pf[0]["state"], pf[0]["effect"]), ("done", "delivered"), pf[0])
        nmi = [x for x in rows if x["spec"].startswith("nmi;dom=1;on=c;after=ee6b2800")]
        self.assertEqual(len(nmi), 1, rows)
        self.assertEqual(nmi[0]["state"], "cancelled", nmi[0])
        self.assertGreater(nmi[0]["id"], pf[0]["id"])

        # The panel's table: a done and an armed state cell, then the armed
        # one cancelled.
        armed = read_png(shots["armed"]).colours()
        self.assertGreater(armed[c["inject-done"]], 300, "no done state cell")
        self.assertGreater(armed[c["inject-armed"]], 300, "no armed state cell")
        self.assertLess(armed[c["inject-cancelled"]], 20, "a cancelled cell before any cancel")
        cancelled = read_png(shots["cancelled"]).colours()
        self.assertGreater(cancelled[c["inject-done"]], 300, "no done state cell")
        self.assertGreater(cancelled[c["inject-cancelled"]], 300, "no cancelled state cell")
        self.assertLess(cancelled[c["inject-armed"]], 20, "an armed cell after the cancel")

    def test_bad_input_is_refused_before_sending(self):
        r = self.workbench(f"wait-domains 3 3000; select 1; focus {PANEL}; "
                           f"panel {PANEL}: arm evtchn-raise; quit")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("evtchn-raise: needs port (port 0 is never bound)", r.stderr)
        r = self.workbench(f"wait-domains 3 3000; select 1; panel {PANEL}: arm pf port=3; quit")
        self.assertEqual(r.returncode, 3, r.stdout + r.stderr)
        self.assertIn("port= does not apply to pf", r.stderr)
        self.assertFalse([x for x in self.listing() if x["spec"].startswith("evtchn-raise")])


if __name__ == "__main__":
    unittest.main()
