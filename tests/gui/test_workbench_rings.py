#!/usr/bin/env python3
"""The I/O rings panel in a real window (Xvfb) against a live Glasshouse.

QEMU runs dom0 serving a RAM disk (blkback) to d1, which rewrites and
verifies it round after round (blk=250 blksoak=...), and d2, which only
beats. The workbench attaches, selects d1 and focuses the I/O rings panel,
screenshots it while the block ring moves, pauses d1 (the backend then
answers what is outstanding, so the indices stand still) and screenshots it
again, then selects d2. Checked against the panel's exact colours
(--print-palette) and what `glass inspect rings` reads afterwards:
 * d1 shows a block ring and a console ring; d2 (no block frontend) shows
   no block ring but a store ring, as the CLI lists for each;
 * on the paused screenshot the block ring's producer and consumer markers
   point at the slots of req_prod and rsp_prod the CLI reads, and its
   filled cells agree with the CLI's outstanding count.
"""

from __future__ import annotations

import math
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_workbench import GUEST, SHOTS, LiveWorkbenchCase, palette  # noqa: E402
from png_pixels import read_png  # noqa: E402

BLK_SLOTS = 32


def pixels_of(img, rgb, box=None):
    """(x, y) of every pixel of exactly colour `rgb` (inside box x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box or (0, 0, img.width, img.height)
    out = []
    for y in range(y0, y1):
        row = img.rows[y]
        for x in range(x0, x1):
            o = x * img.channels
            if (row[o], row[o + 1], row[o + 2]) == rgb:
                out.append((x, y))
    return out


def angle_deg(cx: float, cy: float, pts) -> float:
    """Where the centroid of pts lies around (cx, cy): degrees clockwise from the top."""
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    return math.degrees(math.atan2(mx - cx, cy - my)) % 360


def angle_gap(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)


class WorkbenchRings(LiveWorkbenchCase):
    MODULES = [(GUEST, "start=1:16:1 start=2:16:1 blkback"),
               (GUEST, "blk=250 blksoak=1000000"), (GUEST, "beat=1000")]
    READY = r"^\(d1\) Glasshouse blk: connected"
    READY_WHAT = "d1's block frontend never connected"

    def rings(self, dom: int) -> dict[str, dict]:
        return {ring["kind"]: ring for ring in self.inspect("rings", str(dom))["rings"]}

    def test_rings_panel_draws_the_rings_glass_reads(self):
        c = palette()
        shot = {n: os.path.join(SHOTS, f"rings-{n}.png") for n in ("live", "paused", "d2")}
        script = ("wait-domains 3 3000; select 1; focus I/O rings; wait 30; "
                  f"screenshot {shot['live']}; pause 1; wait-paused 1 3000; wait 40; "
                  f"screenshot {shot['paused']}; select 2; wait 30; screenshot {shot['d2']}; quit")
        r = self.run_workbench(script, size="1600x1000")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        d1, d2 = self.rings(1), self.rings(2)  # d1 is still paused: as in the last screenshot
        self.assertIn("blkif", d1)
        self.assertIn("console", d1)
        self.assertNotIn("blkif", d2)
        self.assertEqual(d2["store"]["slots"], 2048, d2)  # a plain store page: two byte rings

        # Live: both of d1's rings are drawn as rings of cells.
        live = read_png(shot["live"]).colours()
        self.assertGreater(live[c["ring-blkif"]] + live[c["ring-outstanding"]], 2000, "no block ring")
        self.assertGreater(live[c["ring-producer"]], 60, "no producer markers")
        self.assertGreater(live[c["ring-consumer"]], 60, "no consumer markers")

        # Paused: the block ring's markers point where the CLI's indices do.
        img = read_png(shot["paused"])
        self.assertGreater(img.colours()[c["ring-console"]], 2000, "no console ring")
        cells = pixels_of(img, c["ring-blkif"]) + pixels_of(img, c["ring-outstanding"])
        blk = pixels_of(img, c["ring-blkif"])
        xs, ys = [p[0] for p in blk], [p[1] for p in blk]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        radius = (max(xs) - min(xs)) / 2
        self.assertGreater(radius, 40, "block ring too small to be the panel's")
        near = (int(cx - 2 * radius), int(cy - 2 * radius), int(cx + 2 * radius),
                int(cy + 2 * radius))
        near = (max(near[0], 0), max(near[1], 0), min(near[2], img.width),
                min(near[3], img.height))
        ring = d1["blkif"]
        for colour, index in (("ring-producer", "req_prod"), ("ring-consumer", "rsp_prod")):
            pts = [p for p in pixels_of(img, c[colour], near)
                   if math.hypot(p[0] - cx, p[1] - cy) < 1.4 * radius]
            self.assertGreater(len(pts), 15, f"no {index} marker by the block ring")
            slot = ring["indices"][index] % BLK_SLOTS
            want = (slot + 0.5) / BLK_SLOTS * 360
            got = angle_deg(cx, cy, pts)
            print(f"{index} {ring['indices'][index]} slot {slot}: marker at {got:.1f} deg, "
                  f"want {want:.1f}", file=sys.stderr)
            self.assertLess(angle_gap(got, want), 3,
                            f"{index} {ring['indices'][index]} (slot {slot}) should point at "
                            f"{want:.1f} degrees, the marker is at {got:.1f}")
        # Filled cells: as many as the CLI says are outstanding.
        filled = [p for p in pixels_of(img, c["ring-outstanding"], near)
                  if math.hypot(p[0] - cx, p[1] - cy) <= radius + 2]
        if ring["outstanding"] == 0:
            self.assertLess(len(filled), 10, f"filled cells with nothing outstanding: {ring}")
        else:
            per_cell = len(cells) / BLK_SLOTS
            self.assertAlmostEqual(len(filled) / per_cell, ring["outstanding"], delta=1.0)

        # d2 has no block frontend: no block ring drawn, its store ring is.
        other = read_png(shot["d2"]).colours()
        self.assertLess(other[c["ring-blkif"]], 20, "a block ring drawn for d2")
        self.assertGreater(other[c["ring-store"]], 2000, "no store ring for d2")
        self.assertGreater(other[c["ring-console"]], 2000, "no console ring for d2")


if __name__ == "__main__":
    unittest.main()
