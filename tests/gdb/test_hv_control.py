#!/usr/bin/env python3
"""End-to-end: the control port (control=com3) next to the debugger's port
(gdb=com2), against the real hypervisor in QEMU, through `glass ctl`.

Domain 0 starts one domU that prints a heartbeat every 100 ms (`beat=100`).
Checks: connecting to the control port stops nothing (the domU keeps
beating); `glass ctl pause 1` stops its beats and `domains` shows it
stopped; `unpause 1` brings them back; refused requests give precise
errors; the '?' packet stops domain 0 on the debugger's port and nothing on
the control port, and both ports answer while the other is connected.

Exit status 0 on success; the serial log and the failed step otherwise.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "boot"))
import glasshouse_qemu  # noqa: E402

BEAT = re.compile(r"^\(d1\) Glasshouse guest: beat (\d+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Failure(Exception):
    pass


def beats(q: glasshouse_qemu.Running) -> list[int]:
    return [int(m.group(1)) for m in map(BEAT.match, q.lines()) if m]


class Test:
    def __init__(self, glass: str, q: glasshouse_qemu.Running, control: int, gdb: int):
        self.glass, self.q, self.control, self.gdb = glass, q, control, gdb

    def ctl(self, *args: str, port: int | None = None, expect: int = 0) -> str:
        cmd = [self.glass, "ctl", "--connect", f"127.0.0.1:{port or self.control}", *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if r.returncode != expect:
            raise Failure(f"{' '.join(args)}: exit {r.returncode}, expected {expect}\n"
                          f"stdout: {r.stdout}\nstderr: {r.stderr}")
        return r.stdout + r.stderr

    def states(self, port: int | None = None) -> dict[int, str]:
        out = self.ctl("domains", port=port)
        rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
        return {int(r[0]): r[2] for r in rows}

    def wait_beats(self, after: int, timeout: float) -> int:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            b = beats(self.q)
            if b and b[-1] > after:
                return b[-1]
            time.sleep(0.05)
        raise Failure(f"no heartbeat after beat {after} within {timeout}s")

    def run(self) -> None:
        if not self.q.wait_for(r"control: server on com3", 60):
            raise Failure("the hypervisor did not start the control server")
        if not self.q.wait_for(r"^\(d1\) Glasshouse guest: beat 3$", 90):
            raise Failure("domU 1 never beat 3 times")

        # Connecting and listing stops nothing.
        states = self.states()
        if states != {0: "running", 1: "running"}:
            raise Failure(f"domains before pause: {states}")
        last = beats(self.q)[-1]
        self.wait_beats(last + 1, 10)
        print(f"control: connected, domU still beating (beat {beats(self.q)[-1]})")

        # Pause: the beats stop.
        self.ctl("pause", "1")
        states = self.states()
        if states.get(1) != "stopped" or states.get(0) != "running":
            raise Failure(f"domains after pause 1: {states}")
        time.sleep(0.3)  # a beat already on its way out of the UART
        frozen = beats(self.q)[-1]
        time.sleep(1.5)  # 15 beat intervals
        if beats(self.q)[-1] != frozen:
            raise Failure(f"domU beat on while paused: {frozen} -> {beats(self.q)[-1]}")
        print(f"control: paused at beat {frozen}, no beat in 1.5 s")

        # Both ports at once: the debugger's port answers while the control
        # connection's pause holds; its '?' stops domain 0, the control
        # port's stops nothing.
        self.ctl("raw", "?", port=self.gdb)
        s = self.states(port=self.gdb)
        if s.get(0) != "stopped":
            raise Failure(f"'?' on the gdb port did not stop domain 0: {s}")
        self.ctl("raw", "D", port=self.gdb)
        self.ctl("raw", "?")
        s = self.states()
        if s.get(0) != "running" or s.get(1) != "stopped":
            raise Failure(f"after gdb detach and '?' on the control port: {s}")
        print("control: gdb port '?' stopped domain 0, detach released it; control '?' did not")

        # Refusals are precise.
        out = self.ctl("unpause", "7", expect=1)
        if "E13 (no such domain)" not in out:
            raise Failure(f"unpause 7: {out!r}")
        out = self.ctl("unpause", "0", expect=1)  # never paused through this port
        if "E10 (domain busy)" not in out:
            raise Failure(f"unpause 0: {out!r}")
        out = self.ctl("pause", "1", port=free_port(), expect=1)
        if "cannot connect" not in out:
            raise Failure(f"connecting to a closed port: {out!r}")

        # Unpause: the beats resume.
        self.ctl("unpause", "1")
        resumed = self.wait_beats(frozen, 10)
        if self.states() != {0: "running", 1: "running"}:
            raise Failure(f"domains after unpause: {self.states()}")
        print(f"control: unpaused, beat {resumed} followed")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hv", required=True)
    ap.add_argument("--guest", required=True)
    ap.add_argument("--glass", required=True)
    args = ap.parse_args()
    control, gdb = free_port(), free_port()
    q = glasshouse_qemu.Running(args.hv, [(args.guest, "start=1:16:1"), (args.guest, "beat=100")],
                                gdb_port=gdb, control_port=control)
    try:
        Test(args.glass, q, control, gdb).run()
    except (Failure, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {e}\n--- serial log ---\n{q.log}", file=sys.stderr)
        return 1
    finally:
        q.stop()
    print("control: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
