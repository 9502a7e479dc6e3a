#!/usr/bin/env python3
"""End-to-end: stock gdb (batch mode) against glass-gdb-fake-server.

Starts the server on an ephemeral port, runs one gdb session that exercises
the target description, threads, registers, memory, breakpoints, stepping,
watchpoints, the custom packets and detach, and checks gdb's output line by
line. Exit status 0 on success; the gdb transcript is printed on failure.
"""
import argparse
import re
import subprocess
import sys

CODE = 0xffffffff81000000
DATA = 0xffffffff82000000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--server", required=True)
    args = ap.parse_args()

    server = subprocess.Popen([args.server], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        m = re.match(r"listening on port (\d+)", line)
        if not m:
            print("server did not start:", line)
            return 1
        port = m.group(1)
        cmds = [
            "set architecture i386:x86-64",
            f"target remote 127.0.0.1:{port}",
            "info threads",
            "info registers rip",
            "info registers eflags cs fs_base cr0 cr3 efer",
            f"x/4gx {DATA:#x}",
            "x/2gx 0",
            f"break *{CODE + 0x400:#x}",
            "continue",
            "info registers rip",
            "stepi",
            "info registers rip",
            "delete",
            "thread 3",
            "info registers rax",
            f"set {{long}}{DATA + 0x20:#x} = 0x1122334455667788",
            f"x/1gx {DATA + 0x20:#x}",
            f"watch *(long*){DATA + 0x10:#x}",
            "continue",
            "maint packet qGlasshouse.domains",
            "maint packet qGlasshouse.pause:1",
            "maint packet qGlasshouse.layout",
            "detach",
        ]
        argv = [args.gdb, "-batch", "-nx"]
        for c in cmds:
            argv += ["-ex", c]
        try:
            out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, timeout=60)
            text = out.stdout
        except subprocess.TimeoutExpired as e:
            print((e.stdout or b"").decode(errors="replace"))
            print("FAILED: gdb timed out")
            return 1
    finally:
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()

    expected = [
        r'\* 1 +Thread 1 "dom0/vcpu0" +0xffffffff81000100 in \?\? \(\)',
        r'  2 +Thread 2 "dom0/vcpu1" +0xffffffff81000200 in \?\? \(\)',
        r'  3 +Thread 65537 "dom1/vcpu0" +0xffffffff81000100 in \?\? \(\)',
        r"rip +0xffffffff81000100 +0xffffffff81000100",
        r"eflags +0x246 +\[ PF ZF IF \]",
        r"cs +0xe033 +57395",
        r"fs_base +0x7000 +28672",
        r"cr0 +0x80050033 +2147811379",
        r"cr3 +0x1234000 +19087360",
        r"efer +0xd01 +3329",
        r"0xffffffff82000000:\s+0x0706050403020100\s+0x0f0e0d0c0b0a0908",
        r"0xffffffff82000010:\s+0x1716151413121110\s+0x1f1e1d1c1b1a1918",
        r"Cannot access memory at address 0x0",
        r"Breakpoint 1 at 0xffffffff81000400",
        r'Thread 1 "dom0/vcpu0" hit Breakpoint 1, 0xffffffff81000400 in \?\? \(\)',
        r"rip +0xffffffff81000400 +0xffffffff81000400",
        r"rip +0xffffffff81000401 +0xffffffff81000401",
        r"\[Switching to thread 3 \(Thread 65537\)\]",
        r"rax +0x1100 +4352",
        r"0xffffffff82000020:\s+0x1122334455667788",
        r"Hardware watchpoint 2: \*\(long\*\)0xffffffff82000010",
        r'Thread 3 "dom1/vcpu0" hit Hardware watchpoint 2',
        r"New value = 6293311349960364369",
        r"received: \"0,2,r,4000;1,1,r,4000\"",
        r"received: \"OK\"",
        r"received: \"m2p:ffff800000000000,ffff808000000000;hv_image:",
        r"\[Inferior 1 \(Remote target\) detached\]",
    ]
    pos = 0
    lines = text.splitlines()
    for pat in expected:
        rx = re.compile(pat)
        while pos < len(lines) and not rx.search(lines[pos]):
            pos += 1
        if pos == len(lines):
            print(text)
            print(f"FAILED: no line matching {pat!r} (in order)")
            return 1
        pos += 1
    if server.returncode != 0:
        print(text)
        print("FAILED: server exit status", server.returncode)
        return 1
    print(f"gdb end-to-end: {len(expected)} expectations met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
