#include "guest/bench_report.hpp"

#include "guest/console.hpp"

namespace guest {

void bench_report(const char* what, u64 cycles) {
    printk("Glasshouse bench: %s: %lu cycles (%lu ns)\n", what, cycles, cycles_to_ns(cycles));
}

u64 rdtsc_cycles() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<u64>(hi) << 32) | lo;
}

} // namespace guest
