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


def fit_centre(pts) -> tuple[float, float]:
    """Centre of the circle best fitting pts: Kasa's algebraic fit (a 3x3
    linear system) to start, then Gauss-Newton on the geometric distances,
    which unlike the algebraic fit stays unbiased on a thick arc."""
    n = len(pts)
    mx = sum(p[0] for p in pts) / n
    my = sum(p[1] for p in pts) / n
    u = [(p[0] - mx, p[1] - my) for p in pts]  # centred, for conditioning
    suu = sum(a * a for a, _ in u)
    svv = sum(b * b for _, b in u)
    suv = sum(a * b for a, b in u)
    r1 = sum(a ** 3 + a * b * b for a, b in u) / 2
    r2 = sum(b ** 3 + b * a * a for a, b in u) / 2
    det = suu * svv - suv * suv
    cx, cy = mx + (r1 * svv - r2 * suv) / det, my + (suu * r2 - suv * r1) / det
    for _ in range(20):
        d = [math.hypot(x - cx, y - cy) or 1e-9 for x, y in pts]
        r = sum(d) / n
        # Residual d_i - r; d(d_i)/d(cx) = -(x - cx) / d_i. r is eliminated
        # by centring the Jacobian columns and residuals.
        jx = [-(x - cx) / di for (x, _), di in zip(pts, d)]
        jy = [-(y - cy) / di for (_, y), di in zip(pts, d)]
        ax, ay = sum(jx) / n, sum(jy) / n
        jx = [v - ax for v in jx]
        jy = [v - ay for v in jy]
        res = [di - r for di in d]
        a11 = sum(v * v for v in jx)
        a22 = sum(v * v for v in jy)
        a12 = sum(v * w for v, w in zip(jx, jy))
        g1 = sum(v * e for v, e in zip(jx, res))
        g2 = sum(v * e for v, e in zip(jy, res))
        det = a11 * a22 - a12 * a12
        if det == 0:
            break
        dx, dy = -(a22 * g1 - a12 * g2) / det, -(a11 * g2 - a12 * g1) / det
        cx, cy = cx + dx, cy + dy
        if abs(dx) + abs(dy) < 1e-3:
            break
    return cx, cy


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

    def block_ring(self, img, c):
        """Centre, outer radius and a search box around the block ring.

        Its empty cells have their own colour, but live, up to half of them
        may be filled (the colour the console ring shares): the centre comes
        from a least-squares circle fit to the empty cells, which holds for
        an arc as well as for the whole ring."""
        blk = pixels_of(img, c["ring-blkif"])
        self.assertGreater(len(blk), 500, "no block ring")
        cx, cy = fit_centre(blk)
        radius = max(math.hypot(x - cx, y - cy) for x, y in blk)
        self.assertGreater(radius, 40, "block ring too small to be the panel's")
        near = (max(int(cx - 2 * radius), 0), max(int(cy - 2 * radius), 0),
                min(int(cx + 2 * radius), img.width), min(int(cy + 2 * radius), img.height))
        return cx, cy, radius, near

    @staticmethod
    def markers(img, rgb, cx, cy, radius, near):
        """Pixels of a marker colour close enough to the ring to be its own."""
        return [p for p in pixels_of(img, rgb, near) if math.hypot(p[0] - cx, p[1] - cy) < 1.4 * radius]

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

        # Live: the block ring is drawn as a ring of cells with its two
        # markers. (Only the block ring: while requests are outstanding their
        # table pushes the console ring to the panel's lower edge.)
        live = read_png(shot["live"])
        cx, cy, radius, near = self.block_ring(live, c)
        for colour in ("ring-producer", "ring-consumer"):
            pts = self.markers(live, c[colour], cx, cy, radius, near)
            self.assertGreater(len(pts), 15, f"no {colour} marker by the live block ring")

        # Paused: the block ring's markers point where the CLI's indices do.
        img = read_png(shot["paused"])
        self.assertGreater(img.colours()[c["ring-console"]], 2000, "no console ring")
        cells = pixels_of(img, c["ring-blkif"]) + pixels_of(img, c["ring-outstanding"])
        cx, cy, radius, near = self.block_ring(img, c)
        ring = d1["blkif"]
        for colour, index in (("ring-producer", "req_prod"), ("ring-consumer", "rsp_prod")):
            pts = self.markers(img, c[colour], cx, cy, radius, near)
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
