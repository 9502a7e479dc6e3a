#!/usr/bin/env python3
"""Benchmark of the hypercall recorder (issue 9), printing figures, never
judging them: the guest's own benchmarks (`bench`, `mmbench`, rdtsc cycles
under TCG) with recording off and on (`trace=on`, drained by `glass trace
record --join`), as a ratio; the records per second the recording sustained
and whether any were lost; file bytes per record.

    python3 traces/bench/record_overhead.py [--runs 3] [--build build]

QEMU runs with -icount by default, so the guest's TSC advances with the
instructions executed and the ratio is the recorder's own cost, not the
host's load (--no-icount for wall-clock figures). Times in the recording
are then icount time too. The median of --runs boots per mode is printed.
"""

import argparse
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "boot"))
import glasshouse_qemu  # noqa: E402

GUEST_ARGS = "bench mmbench shutdown=poweroff"
FIGURE = re.compile(r"\(d0\) Glasshouse (bench|mmbench): (.+?): (\d+) cycles")


def figures(log):
    return {f"{kind}: {name}": int(v) for kind, name, v in FIGURE.findall(log)}


def run(build, trace, work, index, trace_args="", icount=False, hv=None):
    hv = hv or os.path.join(build, "hv", "hv.bin")
    guest = os.path.join(build, "guest", "guest.elf")
    glass = os.path.join(build, "introspect", "glass")
    mem = f"/dev/shm/glass-record-bench-{os.getpid()}.ram"
    out = os.path.join(work, f"run{index}.trace")
    rec = None
    with glasshouse_qemu.Running(hv, [(guest, GUEST_ARGS)], hv_args=f"trace=on {trace_args}" if trace else "",
                                 shared_memory=mem,
                                 # A fixed shift (not auto): every instruction is 2^3 ns of
                                 # guest time whatever the host's load.
                                 extra_qemu_args=["-icount", "shift=3,sleep=off"] if icount else []
                                 ) as q:
        if trace:
            rec = subprocess.run([glass, "trace", "record", "--join", "--quiet", "--mem", mem,
                                  "--hv-elf", os.path.join(build, "hv", "hv.elf"), out],
                                 capture_output=True, text=True, timeout=300)
        q.wait_for(r"domain 0 shut down", 300)
        log = q.log
    if os.path.exists(mem):
        os.unlink(mem)
    result = {"figures": figures(log)}
    if rec:
        if rec.returncode != 0:
            sys.exit(f"glass trace record failed: {rec.stderr}")
        m = re.search(r"(\d+) records \((\d+) snapshot\), (\d+) bytes, (\d+) lost", rec.stdout)
        total, snap, size, lost = map(int, m.groups())
        info = subprocess.run([glass, "trace", "info", out], capture_output=True, text=True).stdout
        span = re.search(r"time:\s+(\d+) \.\. (\d+) ns", info)
        first, last = int(span.group(1)), int(span.group(2))
        result.update(events=total - snap, snapshot=snap, bytes=size, lost=lost,
                      seconds=(last - first) / 1e9,
                      peak=peak_rate(glass, out))
    return result


def peak_rate(glass, path, window_ns=100_000_000):
    """Most event records in any 100 ms window of the recording, per second."""
    dump = subprocess.run([glass, "trace", "dump", path], capture_output=True, text=True).stdout
    times = [float(m.group(1)) * 1000 for m in re.finditer(r"^#\d+\s+([\d.]+) us", dump, re.M)]
    best, lo = 0, 0
    for hi in range(len(times)):
        while times[hi] - times[lo] > window_ns:
            lo += 1
        best = max(best, hi - lo + 1)
    return best * 1e9 / window_ns


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--no-icount", action="store_true",
                    help="real time instead of -icount (then the host's load shows in the figures)")
    ap.add_argument("--no-hooks-build", metavar="DIR",
                    help="also run a hypervisor built with -DCMAKE_CXX_FLAGS=-DGLASS_TRACE_COMPILED_OUT "
                         "in DIR, to show what the hooks cost when recording is off")
    ap.add_argument("--trace-args", default="",
                    help="more hypervisor options with trace=on, e.g. trace_ckpt=0")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="glass-record-bench-") as work:
        ic = not a.no_icount
        off = [run(a.build, False, work, i, icount=ic) for i in range(a.runs)]
        on = [run(a.build, True, work, i, a.trace_args, icount=ic) for i in range(a.runs)]
        bare = [run(a.build, False, work, i, icount=ic,
                    hv=os.path.join(a.no_hooks_build, "hv", "hv.bin"))
                for i in range(a.runs)] if a.no_hooks_build else []
    clock = "real time" if a.no_icount else "-icount shift=3: 8 ns per instruction"
    print(f"guest benchmarks, rdtsc cycles, median of {a.runs} boots (QEMU TCG, 2 vCPUs, {clock})")
    hooks = f" {'no hooks':>9} {'off/none':>8}" if bare else ""
    print(f"  {'benchmark':58} {'off':>9} {'on':>9} {'on/off':>7}{hooks}")
    for name in off[0]["figures"]:
        o = statistics.median(r["figures"].get(name, 0) for r in off)
        n = statistics.median(r["figures"].get(name, 0) for r in on)
        line = f"  {name:58} {o:9.0f} {n:9.0f} {n / o if o else 0:7.2f}"
        if bare:
            b = statistics.median(r["figures"].get(name, 0) for r in bare)
            line += f" {b:9.0f} {o / b if b else 0:8.3f}"
        print(line)
    print(f"recording (trace=on {a.trace_args}, glass trace record --join, zstd):")
    for i, r in enumerate(on):
        rate = r["events"] / r["seconds"] if r["seconds"] else 0
        print(f"  run {i}: {r['events']} event records in {r['seconds']:.3f} s = {rate:,.0f}/s "
              f"(peak 100 ms window {r['peak']:,.0f}/s), lost {r['lost']}; "
              f"file {r['bytes']} bytes = {r['bytes'] / r['events']:.1f} per event record "
              f"(snapshot of {r['snapshot']} records included)")


if __name__ == "__main__":
    main()
