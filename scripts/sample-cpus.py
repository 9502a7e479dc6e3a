#!/usr/bin/env python3
"""Where the CPUs are: a sampling profile of a running Glasshouse through
QEMU's own gdbstub (not ours: it sees the hypervisor itself, and stops the
whole machine for each sample, a few ms).

Start QEMU with its gdbstub, e.g. through the harness:

    python3 tests/boot/glasshouse_qemu.py --hv build/hv/hv.bin --timeout 600 \\
      --qemu-arg=-gdb --qemu-arg=tcp:127.0.0.1:12345 --module ... &
    python3 scripts/sample-cpus.py --hv-elf build/hv/hv.elf --at 127.0.0.1:12345

Each sample attaches stock gdb, takes every CPU's innermost frames and
detaches. The report counts, per CPU and over all, the innermost hypervisor
function (with its caller when it is the lock's spin loop, so contention
shows who waits), or "guest" when the CPU runs guest code. This is how the
hypervisor's byte-wise memcpy under block load and the lock's contention
were found (commits 44b405d, 0dc3cfc).
"""
from __future__ import annotations

import argparse
import collections
import re
import subprocess
import sys
import time

FRAME = re.compile(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+?)(?:\s*\(|\s*$)")
THREAD = re.compile(r"^Thread \d+ \(Thread \d+\.(\d+)")
HV_BASE = 0xffff82d080000000  # the hypervisor image's L4 slot (hv/abi/layout.hpp)


def sample(gdb: str, hv_elf: str, at: str, depth: int) -> dict[int, list[str]] | str:
    """CPU number -> innermost function names (hypervisor frames only), or an error."""
    r = subprocess.run([gdb, "-q", "-batch", "-nx", "-ex", "set architecture i386:x86-64",
                        "-ex", f"file {hv_elf}", "-ex", f"target remote {at}",
                        "-ex", f"thread apply all bt {depth}"],
                       capture_output=True, text=True, timeout=60)
    cpus: dict[int, list[str]] = {}
    cpu = None
    for line in r.stdout.splitlines():
        m = THREAD.match(line)
        if m:
            cpu = int(m.group(1)) - 1
            cpus[cpu] = []
            continue
        m = FRAME.match(line)
        if m and cpu is not None:
            pc = re.search(r"^#\d+\s+(0x[0-9a-f]+)", line)
            name = m.group(2)
            in_hv = name != "??" and not (pc and int(pc.group(1), 16) < HV_BASE)
            cpus[cpu].append(name if in_hv else "guest")
    if not cpus:  # gdb could not connect or the stub answered no threads
        err = (r.stderr.strip() or r.stdout.strip() or "gdb printed nothing").splitlines()
        return err[-1]
    return cpus


def where(frames: list[str]) -> str:
    if not frames or frames[0] == "guest":
        return "guest"
    names = [f.split("<")[0] for f in frames if f != "guest"]
    if "lock_polling" in names[0] or "hv_lock_acquire" in names[0]:
        callers = [n for n in names[1:] if "lock" not in n]
        return "waiting for the hypervisor lock" + (f" (from {callers[0]})" if callers else "")
    return names[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hv-elf", required=True, help="build/hv/hv.elf (symbols)")
    ap.add_argument("--at", default="127.0.0.1:12345", help="QEMU's gdbstub, HOST:PORT")
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    if args.samples < 1 or args.interval < 0:
        ap.error("--samples must be at least 1 and --interval not negative")

    overall: collections.Counter[str] = collections.Counter()
    per_cpu: dict[int, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    taken = 0
    for _ in range(args.samples):
        s = sample(args.gdb, args.hv_elf, args.at, 6)
        if isinstance(s, str):
            print(f"sample-cpus: cannot sample {args.at}: {s}", file=sys.stderr)
            return 1
        for cpu, frames in s.items():
            w = where(frames)
            overall[w] += 1
            per_cpu[cpu][w] += 1
        taken += 1
        time.sleep(args.interval)

    total = sum(overall.values())
    print(f"{taken} samples of {len(per_cpu)} CPU(s), {total} CPU samples")
    for w, n in overall.most_common(args.top):
        print(f"{100.0 * n / total:5.1f}%  {n:4}  {w}")
    for cpu in sorted(per_cpu):
        c = per_cpu[cpu]
        n = sum(c.values())
        top = ", ".join(f"{w} {100.0 * k / n:.0f}%" for w, k in c.most_common(3))
        print(f"CPU {cpu}: {top}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
