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

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
sys.path.insert(0, HERE)
import glasshouse_qemu  # noqa: E402
from png_pixels import read_png  # noqa: E402

HV = os.environ.get("GLASSHOUSE_HV", "build/hv/hv.bin")
HV_ELF = os.environ.get("GLASSHOUSE_HV_ELF", "build/hv/hv.elf")
GUEST = os.environ.get("GLASSHOUSE_GUEST", "build/guest/guest.elf")
CLI = os.environ.get("GLASS_CLI", "build/introspect/glass")
WORKBENCH = os.environ.get("GLASS_WORKBENCH", "build/gui/glass-workbench")
SHOTS = os.environ.get("GLASS_SHOT_DIR") or tempfile.mkdtemp(prefix="glass-gui-")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def palette() -> dict[str, tuple[int, int, int]]:
    out = subprocess.run([WORKBENCH, "--print-palette"], capture_output=True, text=True,
                         check=True).stdout
    return {n: (int(r), int(g), int(b)) for n, r, g, b in (l.split() for l in out.splitlines())}


class Xvfb:
    """A virtual X server on a free display number."""

    def __enter__(self):
        r, w = os.pipe()
        self.proc = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                                      "1920x1080x24", "-nolisten", "tcp"],
                                     pass_fds=(w,), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        os.close(w)
        with os.fdopen(r) as f:
            self.display = ":" + f.readline().strip()
        if self.display == ":":
            raise AssertionError("Xvfb did not start")
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)


class WorkbenchLive(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        fd, cls.mem = tempfile.mkstemp(prefix="glass-gui-", suffix=".ram", dir="/dev/shm")
        os.close(fd)
        cls.control = free_port()
        cls.qemu = glasshouse_qemu.Running(
            HV, [(GUEST, "start=1:16:1"), (GUEST, "spin")], shared_memory=cls.mem,
            control_port=cls.control)
        if not cls.qemu.wait_for(r"^\(d1\) Glasshouse guest: spinning", 120):
            log = cls.qemu.log
            cls.qemu.__exit__(None, None, None)
            raise AssertionError("domU never started spinning:\n" + log[-3000:])

    @classmethod
    def tearDownClass(cls):
        cls.qemu.__exit__(None, None, None)
        os.unlink(cls.mem)

    def inspect(self, *args):
        r = subprocess.run([CLI, "inspect", "--mem", self.mem, "--hv-elf", HV_ELF, "--json",
                            *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_attach_open_map_pause_domain(self):
        colours = palette()
        map_shot = os.path.join(SHOTS, "map.png")
        paused_shot = os.path.join(SHOTS, "paused.png")
        script = ("wait-domains 2 3000; focus Memory map; wait 20; "
                  f"screenshot {map_shot}; select 1; focus Domains; pause 1; "
                  f"wait-paused 1 3000; wait 5; screenshot {paused_shot}; quit")
        with tempfile.TemporaryDirectory() as home, Xvfb() as x:
            env = dict(os.environ, DISPLAY=x.display, HOME=home)
            r = subprocess.run([WORKBENCH, "--attach", "--mem", self.mem, "--hv-elf", HV_ELF,
                                "--control", f"127.0.0.1:{self.control}", "--size", "1280x720",
                                "--ini", os.path.join(home, "wb.ini"), "--script", script],
                               env=env, capture_output=True, text=True, timeout=240)
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
