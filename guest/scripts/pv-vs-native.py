#!/usr/bin/env python3
"""PV overhead against bare metal: boots the guest kernel as a PV domain of
Glasshouse (hv.bin + guest.elf) and natively (guest-native.bin) under the
same QEMU settings (tests/boot/glasshouse_qemu.py's command line, one vCPU,
-icount shift=N,sleep=off) and prints one row per benchmark:
operation, PV cycles, native cycles, PV / native.

With -icount shift=2 every guest instruction takes 4 ns and the TSC counts
virtual ns, so the figures are instruction counts x 4: they repeat run to
run, and cache and TLB misses cost nothing (a CR3 load's TLB flush is free).

  usage: pv-vs-native.py [--build DIR] [--hv HV] [--guest ELF] [--native BIN]
                         [--icount SHIFT] [--markdown]
Exits 1 if a boot fails or a figure is missing.
"""

import argparse
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
import glasshouse_qemu  # noqa: E402

BENCH_RE = re.compile(r"^(?:\(d\d+\) )?Glasshouse bench: (.+?): (\d+) cycles", re.M)

# Rows: label, the PV figure's name, the native figure's name (None: no
# native counterpart). Names as guest/bench_report.hpp prints them.
ROWS = [
    ("null hypercall (xen_version)", "null hypercall (xen_version)", None),
    ("system call round trip from user mode (getpid)",
     "system call round trip from user mode (getpid)",
     "system call round trip from user mode (getpid)"),
    ("exception round trip (int3 in kernel mode)",
     "exception bounce round trip (int3 in kernel mode)",
     "exception bounce round trip (int3 in kernel mode)"),
    ("context switch (PV: two domains; native: two address spaces)",
     "context switch between two domains on one CPU (half a yield)",
     "context switch between two address spaces on one CPU (half a yield)"),
    ("event send + deliver (half a ping-pong round trip)",
     "event send-and-deliver between domains (half a round trip)", None),
]


def figures(result, what):
    if result.exit_kind != "poweroff":
        sys.exit(f"pv-vs-native: {what} ended {result.describe()}\n{result.serial_log[-3000:]}")
    found = {}
    # The first of a name: with two yielding domUs that is d1's, which counts
    # while d2 surely yields too (tests/boot/test_cpu.py).
    for m in BENCH_RE.finditer(result.serial_log):
        found.setdefault(m.group(1), int(m.group(2)))
    return found


def measure_pv(hv, guest, icount):
    """The three runs of tests/boot/test_cpu.py's benchmark, on one vCPU."""
    one_cpu = dict(smp=1, icount=icount, timeout=300)
    args = "dom0_max_vcpus=1"
    found = {}
    found.update(figures(glasshouse_qemu.boot(hv, [(guest, "bench")], args, **one_cpu),
                         "PV bench"))
    domus = " ".join(f"start={i}:16:1" for i in (1, 2))
    found.update(figures(glasshouse_qemu.boot(
        hv, [(guest, domus), (guest, "yieldbench=2000"), (guest, "yieldbench=2000")], args,
        **one_cpu), "PV yieldbench"))
    found.update(figures(glasshouse_qemu.boot(
        hv, [(guest, domus), (guest, "pong=2 rounds=1000"), (guest, "ping=1 rounds=1000")],
        args, **one_cpu), "PV ping-pong"))
    return found


def measure_native(native, icount):
    return figures(glasshouse_qemu.boot(native, [], "bench", smp=1, icount=icount, timeout=300),
                   "native bench")


def table(pv, native, markdown):
    head = ("operation", "PV cycles", "native cycles", "PV / native")
    rows = []
    for label, pv_name, native_name in ROWS:
        if pv_name not in pv:
            sys.exit(f"pv-vs-native: no PV figure '{pv_name}'")
        if native_name and native_name not in native:
            sys.exit(f"pv-vs-native: no native figure '{native_name}'")
        p = pv[pv_name]
        n = native.get(native_name) if native_name else None
        rows.append((label, f"{p:,}", f"{n:,}" if n else "-",
                     f"{p / n:.1f}x" if n else "-"))
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|---|--:|--:|--:|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
        fmt = lambda r: "  ".join(c.ljust(w[0]) if i == 0 else c.rjust(w[i])  # noqa: E731
                                  for i, c in enumerate(r))
        out = [fmt(head)] + [fmt(r) for r in rows]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"), help="build directory")
    ap.add_argument("--hv", help="hypervisor image (default BUILD/hv/hv.bin)")
    ap.add_argument("--guest", help="PV guest (default BUILD/guest/guest.elf)")
    ap.add_argument("--native", help="native image (default BUILD/guest/guest-native.bin)")
    ap.add_argument("--icount", type=int, default=2, help="-icount shift (default 2)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    a = ap.parse_args()
    hv = a.hv or os.path.join(a.build, "hv", "hv.bin")
    guest = a.guest or os.path.join(a.build, "guest", "guest.elf")
    native = a.native or os.path.join(a.build, "guest", "guest-native.bin")
    for path in (hv, guest, native):
        if not os.path.isfile(path):
            sys.exit(f"pv-vs-native: {path} does not exist: build hv.elf, guest.elf and "
                     "guest-native.elf first")
    qemu = glasshouse_qemu.qemu_command(native, [], "bench", smp=1, icount=a.icount)
    print("QEMU (native; PV the same with -kernel hv.bin and -initrd):", " ".join(qemu),
          file=sys.stderr)
    print(table(measure_pv(hv, guest, a.icount), measure_native(native, a.icount), a.markdown))


if __name__ == "__main__":
    main()
