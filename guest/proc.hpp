// A tiny user mode (docs/pv-abi.md §4.7): processes run at guest user level
// on the kernel's own L4 (registered as the user base pointer, as XTF does;
// every 64-bit PV guest page is user-accessible, so the kernel/user split is
// which mode the hypervisor thinks we are in). The kernel enters a process
// with the iret hypercall; SYSCALL from user mode reaches our syscall
// callback directly. System calls: write, getpid, exit, yield, report.
// A user fault (#PF, #GP, #UD, int3) kills the process.
//
// The same code runs in the native kernel (guest/arch/x86_64/native/): ring
// 3, SYSCALL through MSR_LSTAR, one address space per process. What differs
// sits behind guest/proc_arch.hpp.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

// proc_arch_init with our entry stack. PV: registers user base,
// stack_switch stack, syscall callback and a trap table whose
// #BP/#UD/#GP/#PF entries know about user mode. 0 or -errno.
long proc_init();

// `procs`: three processes run in turn (write, getpid, yield, exit; one
// faults). Prints one line per check and "Glasshouse procs: ok".
bool run_proc_test();

// Benchmarks: average guest TSC cycles of one getpid round trip from user
// mode, and of one int3 bounced to the kernel and returned (kernel mode).
u64 proc_bench_syscall(u32 iterations);
// Two processes yield to each other `iterations` times each: cycles per
// switch (half a yield round trip), 0 if either failed.
u64 proc_bench_switch(u32 iterations);
u64 proc_bench_int3(u32 iterations);

} // namespace guest
