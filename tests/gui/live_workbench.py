"""What the workbench's GUI tests share: where the binaries are, a virtual X
server, the palette the drawing uses, and a test case that boots one
Glasshouse scenario in QEMU (guest RAM shared, control port on COM3) for
all its tests and runs the workbench attached to it with a --script.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import glasshouse_qemu  # noqa: E402

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
    """The colours tests look for in screenshots, from the drawing's own constants."""
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


class LiveWorkbenchCase(unittest.TestCase):
    """Subclasses set MODULES (dom0 first, as glasshouse_qemu takes them),
    READY (a serial-line regex that means the scenario is under way) and
    READY_WHAT (said when it never comes)."""

    MODULES: list[tuple[str, str]] = []
    READY = ""
    READY_WHAT = "the scenario never started"

    @classmethod
    def setUpClass(cls):
        fd, cls.mem = tempfile.mkstemp(prefix="glass-gui-", suffix=".ram", dir="/dev/shm")
        os.close(fd)
        cls.control = free_port()
        cls.qemu = glasshouse_qemu.Running(HV, cls.MODULES, shared_memory=cls.mem,
                                           control_port=cls.control)
        if not cls.qemu.wait_for(cls.READY, 120):
            log = cls.qemu.log
            cls.qemu.stop()
            os.unlink(cls.mem)
            raise AssertionError(f"{cls.READY_WHAT}:\n" + log[-3000:])

    @classmethod
    def tearDownClass(cls):
        cls.qemu.stop()
        os.unlink(cls.mem)

    def run_workbench(self, script: str, size: str = "1280x720") -> subprocess.CompletedProcess:
        """The workbench attached to this scenario, driven by `script`, in a
        fresh HOME (no saved layout) on its own X server."""
        with tempfile.TemporaryDirectory() as home, Xvfb() as x:
            env = dict(os.environ, DISPLAY=x.display, HOME=home)
            return subprocess.run([WORKBENCH, "--attach", "--mem", self.mem, "--hv-elf", HV_ELF,
                                   "--control", f"127.0.0.1:{self.control}", "--size", size,
                                   "--ini", os.path.join(home, "wb.ini"), "--script", script],
                                  env=env, capture_output=True, text=True, timeout=240)

    def inspect(self, *args: str):
        """`glass inspect --json ARGS` on this scenario's RAM, parsed."""
        r = subprocess.run([CLI, "inspect", "--mem", self.mem, "--hv-elf", HV_ELF, "--json",
                            *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)
