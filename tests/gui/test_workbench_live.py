#!/usr/bin/env python3
"""The workbench in a real window (Xvfb) against a live Glasshouse in QEMU.

QEMU runs dom0 with one spinning domU, guest RAM in a shared file and the
control port on COM3. The workbench attaches to it (--attach) and a script
drives it as a user would: wait for both domains, open the Memory map,
screenshot; select domain 1, pause it, wait until the state read from the
hypervisor says paused, screenshot. The screenshots must show a map of
several frame classes (exact palette colours from --print-palette, over
thousands of pixels), the paused badge only once domain 1 is paused, and
the hypervisor itself (glass inspect) must report domain 1 paused.
"""

from __future__ import annotations

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_workbench import GUEST, SHOTS, LiveWorkbenchCase, palette  # noqa: E402
from png_pixels import read_png  # noqa: E402


class WorkbenchLive(LiveWorkbenchCase):
    MODULES = [(GUEST, "start=1:16:1"), (GUEST, "spin")]
    READY = r"^\(d1\) Glasshouse guest: spinning"
    READY_WHAT = "domU never started spinning"

    def test_attach_open_map_pause_domain(self):
        colours = palette()
        map_shot = os.path.join(SHOTS, "map.png")
        paused_shot = os.path.join(SHOTS, "paused.png")
        script = ("wait-domains 2 3000; focus Memory map; wait 20; "
                  f"screenshot {map_shot}; select 1; focus Domains; pause 1; "
                  f"wait-paused 1 3000; wait 5; screenshot {paused_shot}; quit")
        r = self.run_workbench(script)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # The map: several frame classes, each over many pixels, in exact
        # palette colours (the texture is sampled without filtering).
        shot = read_png(map_shot)
        self.assertEqual((shot.width, shot.height), (1280, 720))
        counts = shot.colours()
        shown = {name: counts[rgb] for name, rgb in colours.items() if name != "paused-badge"
                 and not name.startswith("ring-")}
        big = [n for n, c in shown.items() if c >= 200]
        for cls in ("ram", "free", "xen"):
            self.assertIn(cls, big, f"map lacks {cls}: {shown}")
        self.assertGreaterEqual(len(big), 4, shown)
        # Not yet paused: no badge in the status bar.
        bar = shot.colours(0, shot.height - 30, shot.width, shot.height)
        self.assertLess(bar[colours["paused-badge"]], 20, "paused badge before any pause")

        # Paused: the badge shows in the status bar, and the hypervisor agrees.
        shot = read_png(paused_shot)
        bar = shot.colours(0, shot.height - 30, shot.width, shot.height)
        self.assertGreater(bar[colours["paused-badge"]], 300, "no paused badge in the status bar")
        doms = {d["id"]: d for d in self.inspect("domains")["domains"]}
        self.assertGreaterEqual(doms[1]["pause_count"], 1, doms[1])
        self.assertEqual(doms[0]["pause_count"], 0, doms[0])


if __name__ == "__main__":
    unittest.main()
