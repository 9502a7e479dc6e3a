#!/usr/bin/env python3
"""XTF conformance runner: boots every XTF pv64 test kernel as dom0 and reads its verdict.

Each test kernel `<xtf>/tests/<name>/test-pv64-<name>` is booted as the only
Multiboot module (its info.json "variations", e.g. pv-iopl's "hypercall" and
"vmassist", become the module's whole command line), with -smp 2, in
parallel. The verdict comes only from what the run shows; no test is
treated specially by name:

    SUCCESS, SKIP, ERROR, FAILURE  the last `Test result: <X>` line
                                   ("SUCCESS with warnings" is SUCCESS)
    CRASH       no result line; the domain crashed, the hypervisor panicked,
                the XTF kernel panicked, or the machine reset (-no-reboot)
    TIMEOUT     no result line within the time limit
    QEMU_ERROR  QEMU itself refused to run (see the per-test log)

Output: one line per run, `xtf <name>[~variation]: <VERDICT> (<seconds>s)`,
then `xtf summary: <pass> SUCCESS, <skip> SKIP, <other> other of <total>`.

tests/xtf/expected-pass.txt lists runs (`name` or `name~variation`, `#`
comments) that must report SUCCESS; the runner exits 1 if any listed run
does not (a regression) and names it. `--update` adds newly passing runs.
If the XTF directory is absent the runner prints SKIP and exits 0.

Works with any Multiboot hypervisor: a Glasshouse hypervisor ends QEMU via
isa-debug-exit, one that halts instead (Xen with `noreboot`) is stopped a
moment after its verdict or crash shows on the console.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import re
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "boot"))
import glasshouse_qemu  # noqa: E402

DEFAULT_XTF = os.path.normpath(os.path.join(REPO, "..", "shared", "xtf"))
DEFAULT_HV = os.path.join(REPO, "build", "hv", "hv.bin")
DEFAULT_EXPECTED = os.path.join(HERE, "expected-pass.txt")
DEFAULT_LOGS = os.path.join(REPO, "build", "xtf-logs")

RESULT_RE = re.compile(r"Test result: (SUCCESS|SKIP|ERROR|FAILURE)\b")
# Console lines after which nothing more will happen: the verdict, an XTF
# panic, or a hypervisor's report that dom0 is gone. Used only to stop a
# hypervisor that halts instead of exiting QEMU.
END_RE = (r"Test result: |^PANIC: |Hardware Dom0 (halted|crashed|shutdown)"
          r"|Domain 0 crashed|Panic on CPU")
CRASH_RE = re.compile(r"^PANIC: |Dom0 crashed|Domain 0 crashed|Panic on CPU", re.M)


@dataclasses.dataclass
class Run:
    name: str          # test name, e.g. "pv-iopl"
    variation: str     # "" or e.g. "vmassist"
    kernel: str

    @property
    def id(self) -> str:
        return f"{self.name}~{self.variation}" if self.variation else self.name


def discover(xtf: str) -> list[Run]:
    runs = []
    tests = os.path.join(xtf, "tests")
    for name in sorted(os.listdir(tests)):
        kernel = os.path.join(tests, name, f"test-pv64-{name}")
        if not os.path.isfile(kernel):
            continue
        variations: list[str] = []
        info = os.path.join(tests, name, "info.json")
        if os.path.isfile(info):
            with open(info, encoding="utf-8") as f:
                variations = json.load(f).get("variations") or []
        for v in variations or [""]:
            runs.append(Run(name, v, kernel))
    return runs


def verdict_of(result: glasshouse_qemu.BootResult) -> str:
    found = RESULT_RE.findall(result.serial_log)
    if found:
        return found[-1]
    if result.exit_kind == "qemu_error":
        return "QEMU_ERROR"
    if result.exit_kind == "timeout":
        return "TIMEOUT"
    # crash/panic/poweroff/reboot without a verdict, a reset, or a console
    # that shows dom0 or the hypervisor died.
    if result.exit_kind in ("crash", "panic", "qemu_exit", "poweroff", "reboot", "other") \
            or CRASH_RE.search(result.serial_log):
        return "CRASH"
    return "TIMEOUT"


def read_expected(path: str) -> list[str]:
    if not os.path.isfile(path):
        return []
    names = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    return names


def add_expected(path: str, new: list[str]) -> None:
    with open(path, "a", encoding="utf-8") as f:
        for name in sorted(new):
            f.write(name + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hv", default=DEFAULT_HV, help="hypervisor image (default %(default)s)")
    ap.add_argument("--hv-args", default="", help="hypervisor command line")
    ap.add_argument("--xtf", default=DEFAULT_XTF, help="XTF build (default %(default)s)")
    ap.add_argument("--expected", default=DEFAULT_EXPECTED)
    ap.add_argument("--update", action="store_true",
                    help="add every newly passing run to --expected")
    ap.add_argument("--logs", default=DEFAULT_LOGS, help="per-run serial logs")
    ap.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=60, help="seconds per run")
    ap.add_argument("--memory", type=int, default=glasshouse_qemu.DEFAULT_MEMORY_MB)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--only", action="append", default=[], metavar="REGEX",
                    help="run only runs whose id matches; repeatable")
    args = ap.parse_args(argv)

    if not os.path.isdir(os.path.join(args.xtf, "tests")):
        print(f"xtf: SKIP: no XTF build at {args.xtf} (pass --xtf DIR)")
        return 0
    if not os.path.isfile(args.hv):
        print(f"xtf: ERROR: hypervisor image {args.hv} does not exist (build the hv.elf "
              "target first)")
        return 2

    runs = discover(args.xtf)
    if args.only:
        runs = [r for r in runs if any(re.search(p, r.id) for p in args.only)]
    os.makedirs(args.logs, exist_ok=True)
    print_lock = threading.Lock()

    def one(run: Run) -> tuple[Run, str, float]:
        log = os.path.join(args.logs, run.id + ".log")
        try:
            result = glasshouse_qemu.boot(
                args.hv, [(run.kernel, run.variation)], args.hv_args,
                timeout=args.timeout, smp=args.smp, memory_mb=args.memory,
                log_path=log, stop_on=END_RE, stop_grace=2.0)
        except glasshouse_qemu.ModuleError as e:
            with open(log, "w", encoding="utf-8") as f:
                f.write(f"{e}\n")
            verdict, duration = "QEMU_ERROR", 0.0
        else:
            verdict, duration = verdict_of(result), result.duration
            if result.qemu_stderr.strip():
                with open(log, "a", encoding="utf-8") as f:
                    f.write("--- qemu stderr ---\n" + result.qemu_stderr)
        with print_lock:
            print(f"xtf {run.id}: {verdict} ({duration:.1f}s)", flush=True)
        return run, verdict, duration

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(one, runs))
    wall = time.monotonic() - start

    verdicts = {run.id: verdict for run, verdict, _ in results}
    passed = sum(v == "SUCCESS" for v in verdicts.values())
    skipped = sum(v == "SKIP" for v in verdicts.values())
    print(f"xtf summary: {passed} SUCCESS, {skipped} SKIP, "
          f"{len(verdicts) - passed - skipped} other of {len(verdicts)}")
    print(f"xtf: {len(runs)} runs in {wall:.1f}s with {args.jobs} workers; logs in {args.logs}")

    expected = read_expected(args.expected)
    regressions = [n for n in expected
                   if n in verdicts and verdicts[n] != "SUCCESS"
                   or not args.only and n not in verdicts]
    for n in regressions:
        print(f"xtf REGRESSION: {n} is in {os.path.basename(args.expected)} but reported "
              f"{verdicts.get(n, 'no run (test missing)')}")
    newly = sorted(n for n, v in verdicts.items() if v == "SUCCESS" and n not in expected)
    if newly:
        if args.update:
            add_expected(args.expected, newly)
            print(f"xtf: added to {args.expected}: {' '.join(newly)}")
        else:
            print(f"xtf: newly passing (record with --update): {' '.join(newly)}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
