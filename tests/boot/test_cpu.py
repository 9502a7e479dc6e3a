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


class CpuTests(BootCase):
    def run_guest(self, modules, timeout=240, smp=2, icount=False, hv_args=""):
        self.require(GUEST, "guest kernel", "guest.elf")
        self.require(HV, "hypervisor image", "hv.elf")
        return glasshouse_qemu.boot(HV, modules, hv_args, timeout=timeout, smp=smp,
                                    icount=icount)

    def ping_pong(self, hog, rounds=1000):
        """One CPU: pong and ping domUs, with or without a spinning hog
        started first (so it already runs when they do)."""
        domus = [(GUEST, "spin")] if hog else []
        first = len(domus) + 1  # domain ids follow start order
        domus += [(GUEST, f"pong={first + 1} rounds={rounds}"),
                  (GUEST, f"ping={first} rounds={rounds}")]
        starts = " ".join(f"start={i}:16:1" for i in range(1, len(domus) + 1))
        # measure= ends the run (the hog never exits); long enough for ping.
        r = self.run_guest([(GUEST, f"{starts} measure=10000")] + domus, smp=1, icount=True,
                           hv_args="dom0_max_vcpus=1")
        self.assertExit(r, "poweroff")
        m = PING_RE.search(r.serial_log)
        if not m:
            self.fail("no ping report\n" + r.serial_log[-3000:])
        n, _, avg, cycles, lo, hi, rate = map(int, m.groups())
        self.assertEqual(n, rounds)
        return {"avg_us": avg, "cycles": cycles, "min_us": lo, "max_us": hi, "rate": rate}

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
        r = self.run_guest([(GUEST, "tick=3000")], smp=1, icount=True,
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
        # The scheduler does not preempt on wake-up: a woken domain whose
        # virtual time is not the lowest waits for the hog's 10 ms slice to
        # end (hv/sched/schedule.cpp kSliceNs). Measured: alone avg 28-211
        # us; with the hog avg 0.4-4 ms, max 9.4 ms, 246-2351 round trips/s.
        # Not starved means: no round trip waits more than two slices plus
        # margin, and all rounds finish well inside the interval.
        self.assertLess(loaded["max_us"], 25000)
        self.assertGreater(loaded["rate"], 50)

    def test_benchmark(self):
        r = self.run_guest([(GUEST, "bench")])
        self.assertExit(r, "poweroff")
        for what in ("null hypercall", "system call round trip", "exception bounce round trip"):
            self.assertRegex(r.serial_log, rf"bench: {what}.*: \d+ cycles")
        r = self.run_guest([(GUEST, "start=1:16:1 start=2:16:1"),
                            (GUEST, "yieldbench=2000"), (GUEST, "yieldbench=2000")], smp=1,
                           hv_args="dom0_max_vcpus=1")
        self.assertExit(r, "poweroff")
        self.assertRegex(r.serial_log, r"\(d1\) Glasshouse yield: 2000 yields, \d+ cycles")
        print("\n" + "\n".join(l for l in r.serial_log.splitlines() if "yield:" in l))


if __name__ == "__main__":
    unittest.main()
