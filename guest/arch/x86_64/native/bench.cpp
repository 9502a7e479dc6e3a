// `bench` natively: the PV benchmark's figures that have a native analogue,
// measured by the same loops (guest/proc.cpp) and printed under the same
// names (guest/bench_report.hpp). A null hypercall and an event channel have
// no native counterpart and are not measured.
#include "guest/arch/x86_64/native/bench.hpp"

#include "guest/bench_report.hpp"
#include "guest/console.hpp"
#include "guest/proc.hpp"

namespace guest::native {
namespace {

constexpr u32 kSwitchIterations = 2000; // as the PV test's yieldbench=2000

} // namespace

bool run_bench() {
    u64 sc = proc_bench_syscall(kBenchIterations);
    u64 bp = proc_bench_int3(kBenchIterations);
    u64 sw = proc_bench_switch(kSwitchIterations);
    if (!sc || !bp || !sw) {
        printk("Glasshouse bench: FAILED (syscall %lu, int3 %lu, switch %lu)\n", sc, bp, sw);
        return false;
    }
    bench_report(kBenchSyscall, sc);
    bench_report(kBenchInt3, bp);
    bench_report(kBenchSwitchSpaces, sw);
    return true;
}

} // namespace guest::native
