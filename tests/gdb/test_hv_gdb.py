#!/usr/bin/env python3
"""End-to-end: stock gdb against the real hypervisor in QEMU (gdb=com2).

Boots Glasshouse with our guest as domain 0 (a toolstack that starts two
domUs running the `dbgloop` probe: a loop calling dbgloop_tick(), which
writes dbgloop_counter), COM2 on a TCP socket, and drives gdb 13 in batch
mode with the guest's symbols:

* first connection: `info threads` lists every domain's vCPUs, registers
  and memory of the stopped domain 0 (entry bytes checked against the ELF
  file, an unmapped read fails), the qGlasshouse packets;
* then each domU in turn (qGlasshouse.attach:N, `thread`): `break` on the
  kernel function dbgloop_tick, `continue`, `bt`, `info registers`,
  `x/8i $pc`, `stepi`, a write watchpoint on dbgloop_counter that fires
  with the old and new values, Ctrl-C (SIGINT to gdb) while it runs,
  `detach`, after which the domain's console shows it counting on;
* a gdb killed at a breakpoint without detaching leaves its domain
  stopped only until the next connection, whose qSupported ends the old
  session (the domain runs on again);
* last, gdb's `kill` shuts the attached domain down (domain 0's toolstack
  reports it exited with reason poweroff).

Then a raw protocol client checks the watch stop reply (watch:ADDR) and
measures memory-read throughput (4 KiB and 64 KiB) and register-read
round trips.

Exit status 0 on success; the gdb transcripts and serial log on failure.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "boot"))
import glasshouse_qemu  # noqa: E402

GUEST_ENTRY = 0xffffffff80100000
INTERRUPT_MARK = "glasshouse-test: interrupt now"
HOLD_MARK = "glasshouse-test: hold"
# gdb numbers threads in the order qXfer:threads lists them: dom0's two
# vCPUs, then dom1/vcpu0, dom2/vcpu0.
GDB_THREAD = {1: 3, 2: 4}
TID = {1: 0x10001, 2: 0x20001}


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
            hv, [(guest, "start=1:16:1 start=2:16:1"), (guest, "dbgloop"), (guest, "dbgloop")],
            hv_args="gdb=com2",
            extra_qemu_args=["-chardev", f"socket,id=gdb0,host=127.0.0.1,port={port},"
                             "server=on,wait=off,nodelay=on", "-serial", "chardev:gdb0"])
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.lines: list[str] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            with self.lock:
                self.lines.append(raw.decode(errors="replace").rstrip("\r\n"))

    @property
    def log(self) -> str:
        with self.lock:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float, after: int = 0) -> re.Match | None:
        """The first console line from index `after` matching pattern."""
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                for line in self.lines[after:]:
                    if m := re.search(pattern, line):
                        return m
            if self.proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def mark(self) -> int:
        with self.lock:
            return len(self.lines)

    def count(self, dom: int, timeout: float = 10) -> int | None:
        """The next dbgloop count domain `dom` prints from now on."""
        m = self.wait_for(rf"^\(d{dom}\) Glasshouse dbgloop: count (\d+)", timeout, self.mark())
        return int(m[1]) if m else None

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
        self.proc.wait()


def gdb_argv(gdb: str, guest: str, port: int, cmds: list[str]) -> list[str]:
    argv = [gdb, "-batch", "-nx", "-ex", "set remotetimeout 20",
            "-ex", f"target remote 127.0.0.1:{port}"]
    for c in cmds:
        argv += ["-ex", c]
    argv.append(guest)
    return argv


def run_gdb(gdb: str, guest: str, port: int, cmds: list[str], on_line=None) -> str:
    """Runs gdb to the end; on_line(proc, line) sees each output line as it
    comes (to send it a signal at the right moment)."""
    proc = subprocess.Popen(gdb_argv(gdb, guest, port, cmds), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    timer = threading.Timer(120, proc.kill)
    timer.start()
    out = []
    try:
        for line in proc.stdout:
            out.append(line)
            if on_line:
                on_line(proc, line)
        proc.wait()
    finally:
        timer.cancel()
    return "".join(out)


def interrupt_at_mark(proc: subprocess.Popen, line: str):
    """Ctrl-C as a user would press it: SIGINT to gdb while `continue` waits."""
    if INTERRUPT_MARK in line:
        threading.Timer(1.5, proc.send_signal, (signal.SIGINT,)).start()


class Rsp:
    """A minimal remote-protocol client (no-ack mode) for the benchmark."""

    def __init__(self, port: int):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=20)
# Small packets both ways: without this, Nagle and delayed ACKs add
        # 40 ms to every round trip (QEMU's side needs nodelay=on too).
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



def check_raw_watch(port: int, counter: int, failures: list[str]):
    """The stop reply of a write watchpoint names the watched address."""
    c = Rsp(port)
    c.request("qGlasshouse.attach:1")
    c.request(f"Hg{TID[1]:x}")
    if c.request(f"Z2,{counter:x},8") != b"OK":
        failures.append("raw Z2 on dbgloop_counter refused")
    c.send("vCont;c")
    try:
        stop = c.reply().decode()
    except TimeoutError:
        c.s.sendall(b"\x03")
        failures.append(f"raw watch: no stop in 20 s; after Ctrl-C: {c.reply()!r}, "
                        f"domains {c.request('qGlasshouse.domains')!r}")
        return
    if not re.match(rf"T05thread:0*{TID[1]:x};.*watch:0*{counter:x};", stop):
        failures.append(f"watch stop reply without the address: {stop!r}")
    c.request("D")
    c.s.close()


def check(out: str, pattern: str, what: str, failures: list[str]):
    if not re.search(pattern, out, re.M):
        failures.append(f"{what}: no match for /{pattern}/")


def first_session(args, port: int, failures: list[str]) -> str:
    """Domain 0, stopped by connecting: threads, registers, memory, packets."""
    entry = elf_bytes(args.guest, GUEST_ENTRY, 8)
    out = run_gdb(args.gdb, args.guest, port, [
        "info threads",
        "info registers rip rsp eflags cs",
        f"x/8xb {GUEST_ENTRY:#x}",
        "x/1xb 0x1000",
        "maint packet qGlasshouse.domains",
        "maint packet qGlasshouse.layout",
        "maint packet qGlasshouse.attach:9",
        "detach",
    ])
    check(out, r'Thread 1 "dom0/vcpu0"', "info threads lists dom0/vcpu0", failures)
    check(out, r'Thread 2 "dom0/vcpu1"', "info threads lists dom0/vcpu1", failures)
    check(out, r'Thread 65537 "dom1/vcpu0"', "info threads lists dom1/vcpu0", failures)
    check(out, r'Thread 131073 "dom2/vcpu0"', "info threads lists dom2/vcpu0", failures)
    check(out, r"^rip\s+0xffffffff801[0-9a-f]+\s", "dom0 rip in the guest kernel", failures)
    check(out, r"^cs\s+0xe033", "guest kernel cs", failures)
    want = "\\s+".join(f"0x{b:02x}" for b in entry)
    check(out, rf"<guest_entry>:\s+{want}", "entry bytes match the ELF file", failures)
    check(out, r"Cannot access memory at address 0x1000", "unmapped read fails", failures)
    check(out, r'received: "0,2,s,[0-9a-f]+;1,1,r,4000;2,1,r,4000"',
          "qGlasshouse.domains: dom0 stopped, the domUs run", failures)
    check(out, r'received: ".*directmap:ffff830000000000,ffff880000000000',
          "qGlasshouse.layout", failures)
    check(out, r'received: "E13"', "attach to a domain that does not exist", failures)
    check(out, r"Inferior 1 \(Remote target\) detached", "detach", failures)
    return out


def domain_session(args, qemu: Qemu, port: int, dom: int, failures: list[str]) -> str:
    """One domU attached: break on a function, bt, registers, disassembly,
    stepi, a watchpoint, Ctrl-C, detach; then it must count on."""
    thread = GDB_THREAD[dom]
    out = run_gdb(args.gdb, args.guest, port, [
        f"maint packet qGlasshouse.attach:{dom}",
        f"thread {thread}",
        "break dbgloop_tick",
        "continue",
        "bt",
        "info registers",
        "x/8i $pc",
        "stepi",
        "info registers rip",
        "delete",
        "watch dbgloop_counter",
        "continue",
        "delete",
        "maint packet qGlasshouse.domains",
        f"echo {INTERRUPT_MARK}\\n",
        "continue",
        "info registers rip",
        "detach",
    ], on_line=interrupt_at_mark)
    name = f'Thread {thread} "dom{dom}/vcpu0"'
    what = f"dom{dom}: "
    check(out, r'received: "OK"', what + "qGlasshouse.attach", failures)
    check(out, rf"Switching to thread {thread} \(Thread {TID[dom]}\)", what + "thread", failures)
    check(out, rf"{name} hit Breakpoint 1, dbgloop_tick \(n=", what + "break on a function",
          failures)
    check(out, r"^#0\s+dbgloop_tick .*\n#1\s.*run_dbgloop", what + "bt", failures)
    check(out, r"^#\d+\s+0x[0-9a-f]+ in kmain ", what + "bt reaches kmain", failures)
    check(out, r"^rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <dbgloop_tick\(u64\)>$",
          what + "info registers at the breakpoint", failures)
    check(out, r"^cr3\s+0x[0-9a-f]+000\s", what + "cr3 of the domain", failures)
    check(out, r"^=> 0x[0-9a-f]+ <dbgloop_tick\(u64\)>:\s+mov\s+%rdi,.*<dbgloop_counter>",
          what + "x/8i $pc", failures)
    if len(re.findall(r"^(=>|  ) 0x[0-9a-f]+", out, re.M)) < 8:
        failures.append(what + "x/8i printed fewer than 8 instructions")
    check(out, r"^rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <dbgloop_tick\(u64\)\+\d+>$",
          what + "stepi moved rip inside dbgloop_tick", failures)
    check(out, r"Hardware watchpoint 2: dbgloop_counter", what + "watch set", failures)
    m = re.search(rf"{name} hit Hardware watchpoint 2: dbgloop_counter\s+"
                  r"Old value = (\d+)\s+New value = (\d+)", out)
    if not m or int(m[2]) != int(m[1]) + 1:
        failures.append(what + "watchpoint did not fire with old and new value")
    watched = int(m[2]) if m else 0
    check(out, rf'received: "0,2,r,[0-9a-f]+;.*{dom},1,s,4000',
          what + "only the attached domain is stopped", failures)
    check(out, rf"{name} received signal SIGINT, Interrupt", what + "Ctrl-C", failures)
    check(out, r"Inferior 1 \(Remote target\) detached", what + "detach", failures)
    # Detached: it runs on past the value the watchpoint saw.
    n = qemu.count(dom)
    if n is None or n <= watched:
        failures.append(f"{what}does not run on after detach (count {n}, watched {watched})")
    return out


def killed_session(args, qemu: Qemu, port: int, failures: list[str]) -> str:
    """A gdb killed at a breakpoint: the next connection releases it."""
    hit = threading.Event()

    def kill_at_hold(proc, line):
        if "hit Breakpoint 1" in line:
            hit.set()
        if HOLD_MARK in line:
            proc.kill()

    out = run_gdb(args.gdb, args.guest, port, [
        "maint packet qGlasshouse.attach:1", f"thread {GDB_THREAD[1]}", "break dbgloop_tick",
        "continue", f"echo {HOLD_MARK}\\n", "python import time; time.sleep(60)"],
        on_line=kill_at_hold)
    if not hit.is_set():
        failures.append("killed session: breakpoint not hit")
    # Still stopped: no connection has started since (this client sends no
    # qSupported), and its console is silent.
    c = Rsp(port)
    doms = c.request("qGlasshouse.domains").decode()
    if not re.search(r"(^|;)1,1,s,", doms):
        failures.append(f"killed session: dom1 not held before reconnecting ({doms})")
    if qemu.count(1, timeout=2) is not None:
        failures.append("killed session: dom1 ran while its gdb was gone")
    c.s.close()
    out2 = run_gdb(args.gdb, args.guest, port, ["maint packet qGlasshouse.domains", "detach"])
    check(out2, r'received: "0,2,s,[0-9a-f]+;1,1,r,4000;2,1,r,4000"',
          "reconnecting released the killed session's domain", failures)
    if qemu.count(1) is None:
        failures.append("killed session: dom1 does not run after reconnecting")
    return out + out2


def kill_session(args, qemu: Qemu, port: int, failures: list[str]) -> str:
    """gdb's kill shuts the attached domain down; domain 0's toolstack sees it."""
    mark = qemu.mark()
    out = run_gdb(args.gdb, args.guest, port, [
        "maint packet qGlasshouse.attach:2", f"thread {GDB_THREAD[2]}", "kill"])
    check(out, r"\[Inferior 1 \(Remote target\) killed\]", "kill", failures)
    if not qemu.wait_for(r"^\(d0\) Glasshouse toolstack: d2 exited: poweroff", 20, mark):
        failures.append("kill: domain 0 did not see d2 shut down")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--hv", required=True)
    ap.add_argument("--guest", required=True)
    args = ap.parse_args()

    port = free_port()
    qemu = Qemu(args.hv, args.guest, port)
    failures: list[str] = []
    transcripts: list[str] = []
    try:
        ready = [qemu.wait_for(rf"^\(d{d}\) Glasshouse dbgloop: running "
                               r"\(dbgloop_counter at (0x[0-9a-f]+)\)", 90) for d in (1, 2)]
        if not all(ready) or qemu.count(2) is None:
            print("the domUs did not start counting\n" + qemu.log)
            return 1
        counter = int(ready[0][1], 16)
        transcripts.append(first_session(args, port, failures))
        for dom in (1, 2):
            transcripts.append(domain_session(args, qemu, port, dom, failures))
        transcripts.append(killed_session(args, qemu, port, failures))
        check_raw_watch(port, counter, failures)
        for line in bench(port):
            print("bench:", line)
        transcripts.append(kill_session(args, qemu, port, failures))
    finally:
        qemu.stop()
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        for i, t in enumerate(transcripts):
            print(f"--- gdb session {i + 1} ---\n{t}")
        print("--- serial ---\n" + qemu.log[-20000:])
        return 1
    print("\n".join(transcripts))
    print("hv gdb e2e: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
