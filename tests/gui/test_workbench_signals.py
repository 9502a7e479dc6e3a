#!/usr/bin/env python3
"""A launched scenario never outlives the workbench (issue 10).

The workbench launches QEMU itself (`--launch idle`). Ended by SIGTERM or
SIGINT it stops as Ctrl+Q does: exit status 128+signal, its QEMU gone and
the guest-RAM file it made in /dev/shm removed. Killed by SIGKILL it gets no
say, yet its QEMU must still die (the parent-death signal), and the next
launch removes the RAM file the killed one left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from live_workbench import WORKBENCH, Xvfb  # noqa: E402


def alive(pid: int) -> bool:
    """Running, not a zombie (a killed QEMU is reaped by init, not us)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def wait_until(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.1)
    return cond()


class LaunchedWorkbench:
    """glass-workbench --launch idle in a real window, until QEMU runs."""

    def __init__(self, display: str, home: str):
        env = dict(os.environ, DISPLAY=display, HOME=home)
        self.proc = subprocess.Popen([WORKBENCH, "--launch", "idle", "--size", "1280x720",
                                      "--ini", os.path.join(home, "wb.ini")], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.ram = f"/dev/shm/glass-workbench-{self.proc.pid}.ram"
        self.qemu = None
        if not wait_until(lambda: self._find_qemu() and os.path.exists(self.ram), 60):
            self.proc.kill()
            out = self.proc.communicate()[0]
            raise AssertionError(f"no QEMU child with {self.ram} within 60 s:\n{out}")

    def _find_qemu(self) -> bool:
        for c in children(self.proc.pid):
            with open(f"/proc/{c}/comm") as f:
                if f.read().startswith("qemu-system"):
                    self.qemu = c
                    return True
        return False

    def stop(self, sig: int) -> tuple[int, str]:
        self.proc.send_signal(sig)
        try:
            out = self.proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out = self.proc.communicate()[0]
            raise AssertionError(f"workbench still running 30 s after signal {sig}:\n{out}")
        return self.proc.returncode, out


class WorkbenchSignals(unittest.TestCase):
    def test_sigterm_and_sigint_end_the_launched_qemu(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=sig.name), tempfile.TemporaryDirectory() as home, \
                    Xvfb() as x:
                wb = LaunchedWorkbench(x.display, home)
                code, out = wb.stop(sig)
                self.assertEqual(code, 128 + sig, out)
                self.assertIn(f"stopping on signal {int(sig)}", out)
                self.assertTrue(wait_until(lambda: not alive(wb.qemu), 10),
                                f"QEMU {wb.qemu} outlived the workbench")
                self.assertFalse(os.path.exists(wb.ram), f"{wb.ram} left behind")

    def test_sigkill_still_ends_qemu_and_the_next_launch_cleans_up(self):
        with tempfile.TemporaryDirectory() as home, Xvfb() as x:
            killed = LaunchedWorkbench(x.display, home)
            code, _ = killed.stop(signal.SIGKILL)
            self.assertEqual(code, -signal.SIGKILL)
            self.assertTrue(wait_until(lambda: not alive(killed.qemu), 10),
                            f"QEMU {killed.qemu} outlived a killed workbench")
            self.assertTrue(os.path.exists(killed.ram), "nothing could have removed it yet")
            nxt = LaunchedWorkbench(x.display, home)
            code, out = nxt.stop(signal.SIGTERM)
            self.assertEqual(code, 128 + signal.SIGTERM, out)
            self.assertIn(f"removed {killed.ram}, left by a workbench that was killed", out)
            self.assertFalse(os.path.exists(killed.ram))


if __name__ == "__main__":
    unittest.main()
