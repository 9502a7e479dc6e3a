// The benchmark lines both kernels print: the PV guest (guest/bench.cpp)
// and the same sources booted natively (guest/arch/x86_64/native/). One
// format and one set of names, so guest/scripts/pv-vs-native.py can pair
// the figures by name.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

constexpr u32 kBenchIterations = 20000;

constexpr char kBenchSyscall[] = "system call round trip from user mode (getpid)";
constexpr char kBenchInt3[] = "exception bounce round trip (int3 in kernel mode)";
// The PV figure: yield hypercall, the hypervisor's switch to the other
// domain and back into its yield. The native one: yield system call,
// register save, CR3 load of the other process's L4, restore, IRETQ.
constexpr char kBenchSwitchDomains[] =
    "context switch between two domains on one CPU (half a yield)";
constexpr char kBenchSwitchSpaces[] =
    "context switch between two address spaces on one CPU (half a yield)";

// "Glasshouse bench: <what>: C cycles (N ns)".
void bench_report(const char* what, u64 cycles);

u64 rdtsc_cycles();
u64 cycles_to_ns(u64 cycles); // per kernel: PV by vcpu_info's scale, native by the PIT

} // namespace guest
