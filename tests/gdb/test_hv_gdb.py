#!/usr/bin/env python3
"""End-to-end: stock gdb against the real hypervisor in QEMU (gdb=com2).

Boots Glasshouse with our guest as domain 0 (`spin`), COM2 on a TCP socket,
and drives gdb 13 in batch mode with the guest's symbols: threads, registers
of the stopped vCPU, memory at the guest's entry (checked against the ELF
file), a software breakpoint in the spin loop hit on `continue`, `stepi`, a
hardware breakpoint, the qGlasshouse packets, detach, and a second
connection after detach. Then a raw protocol client measures memory-read
throughput (4 KiB and 64 KiB) and register-read round trips.

Exit status 0 on success; the gdb transcript and serial log on failure.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "boot"))
import glasshouse_qemu  # noqa: E402

GUEST_ENTRY = 0xffffffff80100000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def elf_bytes(path: str, vaddr: int, n: int) -> bytes:
    """n bytes at vaddr from the ELF64 file's PT_LOAD segments."""
    data = open(path, "rb").read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_vaddr <= vaddr and vaddr + n <= p_vaddr + p_filesz:
            off = p_offset + vaddr - p_vaddr
            return data[off:off + n]
    raise ValueError(f"{vaddr:#x} not in a PT_LOAD segment of {path}")


class Qemu:
    """The hypervisor under QEMU with COM2 as a socket server."""

    def __init__(self, hv: str, guest: str, port: int):
        cmd = glasshouse_qemu.qemu_command(
            hv, [(guest, "spin")], hv_args="gdb=com2",
            extra_qemu_args=["-chardev", f"socket,id=gdb0,host=127.0.0.1,port={port},"
                             "server=on,wait=off,nodelay=on", "-serial", "chardev:gdb0"])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.log = ""

    def wait_for(self, text: str, timeout: float) -> bool:
        os.set_blocking(self.proc.stdout.fileno(), False)
        end = time.time() + timeout
        while time.time() < end:
            chunk = self.proc.stdout.read()
            if chunk:
                self.log += chunk.decode(errors="replace").replace("\r", "")
                if text in self.log:
                    return True
            elif self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
        self.proc.wait()


def run_gdb(gdb: str, guest: str, port: int, cmds: list[str]) -> str:
    argv = [gdb, "-batch", "-nx", "-ex", "set remotetimeout 20",
            "-ex", f"target remote 127.0.0.1:{port}"]
    for c in cmds:
        argv += ["-ex", c]
    argv.append(guest)
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=120)
    return r.stdout


class Rsp:
    """A minimal remote-protocol client (no-ack mode) for the benchmark."""

    def __init__(self, port: int):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=20)
#Small packets both ways : without this, Nagle and delayed ACKs add
# 40 ms to every round trip(QEMU's side needs nodelay=on too).
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.ack = True
        self.request("QStartNoAckMode")
        self.ack = False

    def send(self, body: str):
        frame = f"${body}#{sum(body.encode()) & 0xff:02x}".encode()
        self.s.sendall(frame)

    def reply(self) -> bytes:
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                body = self.buf[start + 1:end]
                self.buf = self.buf[end + 3:]
                if self.ack:
                    self.s.sendall(b"+")
                return expand_rle(body)
            self.buf += self.s.recv(65536)

    def request(self, body: str) -> bytes:
        self.send(body)
        return self.reply()


def expand_rle(body: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == ord("*"):
            out += out[-1:] * (body[i + 1] - 29)
            i += 2
        else:
            out.append(body[i])
            i += 1
    return bytes(out)


def bench(port: int) -> list[str]:
    c = Rsp(port)
    c.request("?")
    lines = []
    for size in (4096, 65536):
        reps = 8 if size == 4096 else 2
        t0 = time.perf_counter()
        for _ in range(reps):
            for off in range(0, size, 2048):
                r = c.request(f"m{GUEST_ENTRY + off:x},800")
                assert len(r) == 4096, r[:20]
        dt = time.perf_counter() - t0
        lines.append(f"memory read {size // 1024} KiB: {size * reps / dt / 1024:.1f} KiB/s "
                     f"({dt / reps * 1000:.1f} ms per read)")
    n = 50
    t0 = time.perf_counter()
    for _ in range(n):
        assert len(c.request("p10")) == 16
    dt = time.perf_counter() - t0
    lines.append(f"register read (p rip) round trip: {dt / n * 1e6:.0f} us")
    c.request("D")
    c.s.close()
    return lines


def check(out: str, pattern: str, what: str, failures: list[str]):
    if not re.search(pattern, out, re.M):
        failures.append(f"{what}: no match for /{pattern}/")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--hv", required=True)
    ap.add_argument("--guest", required=True)
    args = ap.parse_args()

    port = free_port()
    qemu = Qemu(args.hv, args.guest, port)
    failures: list[str] = []
    out = out2 = ""
    try:
        if not qemu.wait_for("Glasshouse guest: spinning", 60):
            print("guest did not reach 'spinning'\n" + qemu.log)
            return 1
        entry = elf_bytes(args.guest, GUEST_ENTRY, 8)
        out = run_gdb(args.gdb, args.guest, port, [
            "info threads",
            "info registers rip rsp eflags cs",
            f"x/8xb {GUEST_ENTRY:#x}",
            "x/1xb 0x1000",
            "maint packet qGlasshouse.domains",
            "maint packet qGlasshouse.layout",
            "break *$pc",
            "continue",
            "info registers rip",
            "delete",
            "stepi",
            "info registers rip",
            "stepi",
            "hbreak *$pc",
            "continue",
            "delete",
            "x/2i $pc",
            "bt 1",
            "detach",
        ])
        check(out, r'Thread 1 "dom0/vcpu0"', "info threads lists dom0/vcpu0", failures)
        check(out, r'Thread 2 "dom0/vcpu1"', "info threads lists dom0/vcpu1", failures)
        check(out, r"^rip\s+0xffffffff801[0-9a-f]+\s+0x[0-9a-f]+ <kmain", "rip in kmain",
              failures)
        check(out, r"^cs\s+0xe033", "guest kernel cs", failures)
        want = "\\s+".join(f"0x{b:02x}" for b in entry)
        check(out, rf"<guest_entry>:\s+{want}", "entry bytes match the ELF file", failures)
        check(out, r"Cannot access memory at address 0x1000", "unmapped read fails", failures)
        check(out, r'received: "0,2,s,', "qGlasshouse.domains shows dom0 stopped", failures)
        check(out, r'received: ".*directmap:ffff830000000000,ffff880000000000',
              "qGlasshouse.layout", failures)
        check(out, r"Breakpoint 1, .*kmain", "software breakpoint hit", failures)
        check(out, r"Breakpoint 2, .*kmain", "hardware breakpoint hit", failures)
        check(out, r"#0\s+.*kmain", "backtrace", failures)
        check(out, r"Inferior 1 \(Remote target\) detached", "detach", failures)
        rips = re.findall(r"^rip\s+(0x[0-9a-f]+)", out, re.M)
#rips : at attach, at the breakpoint, after stepi.
        if len(rips) < 3 or rips[1] == rips[2]:
            failures.append(f"stepi did not move rip ({rips})")

#A new connection after detach : the session starts over.
        out2 = run_gdb(args.gdb, args.guest, port, [
            "info registers rip", "maint packet qGlasshouse.version", "detach"])
        check(out2, r"^rip\s+0xffffffff801", "second connection reads rip", failures)
        check(out2, r'received: "glasshouse-gdbstub:1"', "qGlasshouse.version", failures)

        for line in bench(port):
            print("bench:", line)
    finally:
        qemu.stop()
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        print("--- gdb ---\n" + out + "\n--- gdb (2nd) ---\n" + out2)
        print("--- serial ---\n" + qemu.log)
        return 1
    print(out)
    print("hv gdb e2e: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
