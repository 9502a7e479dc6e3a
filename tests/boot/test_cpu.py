#!/usr/bin/env python3
"""CPU virtualization as our guest sees it (issue 5): user processes and
system calls, upcall event delivery between two domains, a 1 ms periodic
tick, the paper's performance-isolation experiment, and the benchmark.

Timing tests run QEMU with -icount: virtual time then follows executed
instructions, so a loaded host (other QEMUs, compilers) cannot starve the
vCPU thread for tens of milliseconds of system time. Without it we measured
16-40 % of 1 ms ticks on a host with load 15."""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import glasshouse_qemu  # noqa: E402
from test_guest_boot import GUEST, HV, BootCase  # noqa: E402

PING_RE = re.compile(r"ping: (\d+) round trips to d\d+ in (\d+) us: avg (\d+) us \((\d+) cycles\), "
                     r"min (\d+) us, max (\d+) us, (\d+) round trips/s")
WAKE_RE = re.compile(r"ping: after \d+ us of thinking woke (\d+) us late on average, (\d+) us")


class CpuTests(BootCase):
    def run_guest(self, modules, timeout=240, smp=2, icount=False, hv_args=""):
        self.require(GUEST, "guest kernel", "guest.elf")
        self.require(HV, "hypervisor image", "hv.elf")
        return glasshouse_qemu.boot(HV, modules, hv_args, timeout=timeout, smp=smp,
                                    icount=icount)

    def ping_pong(self, hog, rounds=200, think_us=1000):
        """One CPU: pong and ping domUs, with or without a spinning hog
        started first (so it already runs when they do). Ping sleeps
        think_us before each round, so the hog runs meanwhile and ping's
        wake-up competes with it (the paper's interactive domain)."""
        domus = [(GUEST, "spin")] if hog else []
        first = len(domus) + 1  # domain ids follow start order
        domus += [(GUEST, f"pong={first + 1} rounds={rounds}"),
                  (GUEST, f"ping={first} rounds={rounds} think={think_us}")]
        starts = " ".join(f"start={i}:16:1" for i in range(1, len(domus) + 1))
        # measure= ends the run (the hog never exits); long enough for ping.
        # A fixed icount shift (4 ns per instruction) makes the figures the
        # same run to run; shift=auto drifts with what ran before.
        r = self.run_guest([(GUEST, f"{starts} measure=1000")] + domus, smp=1, icount=2,
                           hv_args="dom0_max_vcpus=1")
        self.assertExit(r, "poweroff")
        m = PING_RE.search(r.serial_log)
        w = WAKE_RE.search(r.serial_log)
        if not m or not w:
            self.fail("no ping report\n" + r.serial_log[-3000:])
        n, _, avg, cycles, lo, hi, rate = map(int, m.groups())
        self.assertEqual(n, rounds)
        return {"avg_us": avg, "cycles": cycles, "min_us": lo, "max_us": hi, "rate": rate,
                "wake_late_avg_us": int(w.group(1)), "wake_late_max_us": int(w.group(2))}

    def test_user_processes_system_calls_and_page_faults(self):
        r = self.run_guest([(GUEST, "procs")])
        self.assertExit(r, "poweroff")
        for line in ("user base pointer, stack_switch, syscall callback, trap table: ok",
                     "system calls arrived from user mode (cs RPL 3) on each process's stack: ok",
                     "getpid and exit: exit codes 100 + pid: ok",
                     "pid 3: vector 14 error 0x4 cr2 0xdead0000",
                     "user page fault: #PF with cr2 0xdead0000 and the U bit, process killed: ok",
                     "processes ran in turn (writes by pid 1 2 3 1 2): ok",
                     "Glasshouse procs: ok"):
            self.assertInLog(r, line)

    def test_periodic_tick_of_1ms_stays_accurate(self):
        # A fixed shift (4 ns per instruction): with shift=auto QEMU keeps
        # virtual time near real time, so a host that descheduled QEMU could
        # stretch a gap past the limit (seen once in a loaded suite run).
        r = self.run_guest([(GUEST, "tick=3000")], smp=1, icount=2,
                           hv_args="dom0_max_vcpus=1")
        self.assertExit(r, "poweroff")
        m = re.search(r"tick: (\d+) ticks of 1 ms in (\d+) us \(expected (\d+).*longest gap "
                      r"(\d+) us: ok", r.serial_log)
        if not m:
            self.fail("no tick report\n" + r.serial_log[-3000:])
        ticks, _, expected, gap = map(int, m.groups())
        print(f"\ntick: {ticks} of {expected} expected, longest gap {gap} us")
        self.assertGreaterEqual(ticks, expected * 95 // 100)
        self.assertLess(gap, 5000)

    def test_two_domains_signal_each_other(self):
        r = self.run_guest([(GUEST, "start=1:16:1 start=2:16:1"),
                            (GUEST, "pong=2 rounds=200"), (GUEST, "ping=1 rounds=200")])
        self.assertExit(r, "poweroff")
        self.assertInLog(r, "(d1) Glasshouse pong: answered 200 events")
        self.assertInLog(r, "(d2) Glasshouse ping: 200 round trips to d1")
        self.assertInLog(r, "Glasshouse toolstack: all domUs finished")

    def test_cpu_hog_does_not_starve_an_interactive_domain(self):
        alone = self.ping_pong(hog=False)
        loaded = self.ping_pong(hog=True)
        print(f"\nping-pong alone:    {alone}\nping-pong with hog: {loaded}")
        # A woken domain behind the hog in virtual time preempts it (BVT's
        # rule, hv/core/sched). Without that it waited out the hog's 10 ms
        # slice: measured 9.0 ms late per wake-up and 99 instead of 963
        # round trips/s. Now both stay within a few slices' worth of the
        # alone figures; the margins absorb scheduler changes, not a slice.
        self.assertLess(loaded["wake_late_max_us"], 2000)
        self.assertGreater(loaded["rate"], alone["rate"] * 8 // 10)

    def test_benchmark(self):
        """The issue's five figures in guest rdtsc cycles under TCG. With
        -icount shift=2 every guest instruction takes 4 ns and the TSC
        counts virtual ns, so the figures are instruction counts x 4 and
        repeat exactly run to run; a loaded host cannot disturb them."""
        figures = []
        r = self.run_guest([(GUEST, "bench")], icount=2)
        self.assertExit(r, "poweroff")
        for what in ("null hypercall", "system call round trip", "exception bounce round trip"):
            figures.append(self.bench_line(r, what))
        one_cpu = dict(smp=1, icount=2, hv_args="dom0_max_vcpus=1")
        r = self.run_guest([(GUEST, "start=1:16:1 start=2:16:1"),
                            (GUEST, "yieldbench=2000"), (GUEST, "yieldbench=2000")], **one_cpu)
        self.assertExit(r, "poweroff")
        # d1 counts while d2 surely yields too (d2 starts later, ends later).
        self.assertRegex(r.serial_log, r"\(d1\) Glasshouse yield: 2000 yields, \d+ cycles")
        figures.append(self.bench_line(r, r"context switch between two domains", "(d1) "))
        r = self.run_guest([(GUEST, "start=1:16:1 start=2:16:1"),
                            (GUEST, "pong=2 rounds=1000"), (GUEST, "ping=1 rounds=1000")],
                           **one_cpu)
        self.assertExit(r, "poweroff")
        figures.append(self.bench_line(r, "event send-and-deliver between domains"))
        print("\n" + "\n".join(figures))

    def bench_line(self, r, what, prefix=""):
        m = re.search(rf"{re.escape(prefix)}Glasshouse bench: {what}.*: (\d+) cycles.*", r.serial_log)
        if not m:
            self.fail(f"no '{what}' figure\n" + r.serial_log[-3000:])
        self.assertGreater(int(m.group(1)), 0)
        return m.group(0)


if __name__ == "__main__":
    unittest.main()
