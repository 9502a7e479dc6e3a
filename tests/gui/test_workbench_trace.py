#!/usr/bin/env python3
"""Replay mode in a real window (Xvfb): the workbench opens a trace, shows
the timeline, scrubs and steps, and every state panel follows.

The trace is the replay engine's host scenario (glass replay --scenario),
so the replayed state is known independently: `glass replay --to N` prints
the frame counts after N records. A script drives the window as a user
would; the screenshots must show

* the timeline: the ruler, hypercall spans in their exact colours, and the
  replay cursor (an orange line) where the scrub put it, at 25 % and 75 %
  of the trace, and moving by the right number of pixels when the replay
  steps over records whose times the trace file gives;
* the memory map at two replay positions, with as many writable-frame
  pixels at each as the replay engine's own counts say (their ratio).
"""

from __future__ import annotations

import colorsys
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from png_pixels import read_png  # noqa: E402
from live_workbench import Xvfb, palette  # noqa: E402

CLI = os.environ.get("GLASS_CLI", "build/introspect/glass")
WORKBENCH = os.environ.get("GLASS_WORKBENCH", "build/gui/glass-workbench")
SHOTS = os.environ.get("GLASS_SHOT_DIR") or tempfile.mkdtemp(prefix="glass-trace-gui-")

RULER = (40, 40, 46)     # the timeline ruler's background
CURSOR = (255, 170, 40)  # the replay position
RECORDS = 60000


def call_colour(nr: int) -> tuple[int, int, int]:
    """gui/panels/trace_widgets.cpp call_colour(), as ImGui rounds it."""
    h = (0.13 + nr * 0.618034) % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, 0.55, 0.85)
    return tuple(int(c * 255 + 0.5) for c in (r, g, b))


def near(a, b, tol=2):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def replay_counts(trace: str, n: int) -> dict[str, int]:
    out = subprocess.run([CLI, "replay", trace, "--to", str(n)], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    m = re.search(r"frames: \d+ \(([^)]*)\)", out)
    return {k: int(v) for k, v in (p.split() for p in m.group(1).split(", "))}


def record_times(trace: str, first: int, count: int) -> list[float]:
    """Record times in ns, from `glass trace dump` (microseconds, 3 decimals)."""
    out = subprocess.run([CLI, "trace", "dump", trace, "--from", str(first), "--count",
                          str(count)], capture_output=True, text=True, check=True).stdout
    return [float(l.split()[1]) * 1000 for l in out.splitlines() if l.startswith("#")]


class Timeline:
    """Where the timeline's plot is in a screenshot, found by its ruler."""

    def __init__(self, shot):
        rows = []
        for y in range(shot.height):
            xs = [x for x in range(shot.width) if shot.pixel(x, y) == RULER]
            if len(xs) > 300:
                rows.append((y, xs[0], xs[-1]))
        if not rows:
            raise AssertionError("no timeline ruler in the screenshot")
        self.top = rows[0][0]
        self.bottom = rows[-1][0] + 1
        self.left = min(r[1] for r in rows)
        self.right = max(r[2] for r in rows) + 1
        self.shot = shot

    def cursor_x(self) -> int | None:
        """The column below the ruler with the most cursor-orange pixels."""
        best, best_n = None, 0
        for x in range(self.left, self.right):
            n = sum(1 for y in range(self.bottom + 2, min(self.shot.height, self.bottom + 200))
                    if self.shot.pixel(x, y) == CURSOR)
            if n > best_n:
                best, best_n = x, n
        return best if best_n >= 40 else None

    def colours(self):
        return self.shot.colours(self.left, self.bottom, self.right,
                                 min(self.shot.height, self.bottom + 240))


class WorkbenchTrace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="glass-trace-gui-")
        cls.trace = os.path.join(cls.dir, "scenario.trace")
        subprocess.run([CLI, "replay", "--scenario", cls.trace, "--records", str(RECORDS)],
                       check=True, capture_output=True, timeout=120)

    def run_workbench(self, script: str):
        with tempfile.TemporaryDirectory() as home, Xvfb() as x:
            env = dict(os.environ, DISPLAY=x.display, HOME=home)
            r = subprocess.run([WORKBENCH, "--trace", self.trace, "--size", "1600x900",
                                "--ini", os.path.join(home, "wb.ini"), "--script", script],
                               env=env, capture_output=True, text=True, timeout=240)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_timeline_scrub_step_and_state(self):
        # Two replay positions whose writable-frame counts differ most.
        candidates = [RECORDS * k // 10 for k in range(1, 10)]
        counts = {n: replay_counts(self.trace, n) for n in candidates}
        n1 = min(candidates, key=lambda n: counts[n]["writable"])
        n2 = max(candidates, key=lambda n: counts[n]["writable"])
        self.assertGreater(counts[n2]["writable"], counts[n1]["writable"] * 1.3, counts)
        # A step that moves the replay at least 2 us on a 20 us window.
        r0 = RECORDS // 2
        times = record_times(self.trace, r0, 60)
        k = next(i for i, t in enumerate(times) if t - times[0] >= 2000)
        step_ns = times[k] - times[0]

        shot = {name: os.path.join(SHOTS, name + ".png")
                for name in ("quarter", "three-quarters", "map1", "map2", "at", "stepped")}
        script = "; ".join([
            "panel Timeline: wait-loaded", "focus Timeline", "panel Timeline: fit",
            "panel Replay: fraction 0.25", "panel Replay: wait-state", "wait 3",
            f"screenshot {shot['quarter']}",
            "panel Replay: fraction 0.75", "panel Replay: wait-state", "wait 3",
            f"screenshot {shot['three-quarters']}",
            f"panel Replay: seek {r0}", f"panel Timeline: around {r0} 20000",
            "panel Replay: wait-state", "wait 3", f"screenshot {shot['at']}",
            f"panel Replay: step {k}", "panel Replay: wait-state", "wait 3",
            f"screenshot {shot['stepped']}",
            # seek N applies records 0..N; the map shows the state after them.
            "focus Memory map", f"panel Replay: seek {n1 - 1}", "panel Replay: wait-state",
            "wait 160", f"screenshot {shot['map1']}",
            f"panel Replay: seek {n2 - 1}", "panel Replay: wait-state", "wait 160",
            f"screenshot {shot['map2']}", "quit",
        ])
        self.run_workbench(script)

        # Scrubbing: the cursor sits at 25 % and 75 % of the trace (Fit leaves
        # 1 % of the trace as margin on each side).
        for name, frac in (("quarter", 0.25), ("three-quarters", 0.75)):
            tl = Timeline(read_png(shot[name]))
            x = tl.cursor_x()
            self.assertIsNotNone(x, f"{name}: no replay cursor on the timeline")
            want = tl.left + (tl.right - tl.left) * (frac + 0.01) / 1.02
            self.assertLess(abs(x - want), 5, f"{name}: cursor at {x}, expected {want:.0f}")
            # The tracks are drawn: spans or folds over much of the plot.
            busy = sum(n for rgb, n in tl.colours().items() if max(rgb) > 60)
            self.assertGreater(busy, 5000, f"{name}: tracks look empty")

        # Zoomed in on record r0: calls drawn as spans in their own colours;
        # the cursor in the middle, then one step of k records to the right.
        at = Timeline(read_png(shot["at"]))
        spans = at.colours()
        found = {nr: sum(n for rgb, n in spans.items() if near(rgb, call_colour(nr)))
                 for nr in (1, 14, 26, 32)}  # mmu_update, update_va_mapping, mmuext_op, evtchn
        self.assertGreaterEqual(sum(1 for n in found.values() if n >= 30), 2, found)
        x0 = at.cursor_x()
        self.assertIsNotNone(x0, "no cursor when zoomed in")
        width = at.right - at.left
        self.assertLess(abs(x0 - (at.left + width / 2)), 4, (x0, at.left, at.right))
        stepped = Timeline(read_png(shot["stepped"]))
        x1 = stepped.cursor_x()
        self.assertIsNotNone(x1, "no cursor after the step")
        want = x0 + step_ns / 20000 * width
        self.assertLess(abs(x1 - want), 4, f"stepped to {x1}, expected {want:.0f}")

        # State at the replay position: the memory map's writable pixels
        # scale as the replay engine's writable-frame counts.
        colours = palette()
        w1 = read_png(shot["map1"]).colours()[colours["writable"]]
        w2 = read_png(shot["map2"]).colours()[colours["writable"]]
        self.assertGreater(w1, 0)
        want = counts[n2]["writable"] / counts[n1]["writable"]
        self.assertLess(abs((w2 / w1) / want - 1), 0.15,
                        f"writable pixels {w1} -> {w2}, frames {counts[n1]} -> {counts[n2]}")


if __name__ == "__main__":
    unittest.main()
