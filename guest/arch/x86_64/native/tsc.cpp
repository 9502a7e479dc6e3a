// cycles_to_ns for the native kernel: no vcpu_time_info here, so measure
// the TSC against the PIT (channel 2, mode 0, gated by port 0x61 like
// Linux's pit_calibrate_tsc). Under -icount both follow virtual time.
#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/native.hpp"
#include "guest/bench_report.hpp"

namespace guest {
namespace {

constexpr u32 kPitHz = 1193182;
constexpr u32 kCalibrateMs = 10;
constexpr u64 kSpinLimit = 1ull << 32;
u64 g_tsc_khz = 0;

} // namespace

u64 native::calibrate_tsc_khz() {
    u32 count = kPitHz / 1000 * kCalibrateMs;
    outb(0x61, static_cast<u8>((inb(0x61) & ~0x02) | 0x01)); // gate on, speaker off
    outb(0x43, 0xb0);                                        // ch 2, lo/hi, mode 0
    outb(0x42, static_cast<u8>(count));
    outb(0x42, static_cast<u8>(count >> 8));
    u64 start = rdtsc_cycles();
    for (u64 spins = 0; !(inb(0x61) & 0x20); spins++) // OUT2 goes high at 0
        if (spins > kSpinLimit) return 0;
    g_tsc_khz = (rdtsc_cycles() - start) / kCalibrateMs;
    return g_tsc_khz;
}

u64 cycles_to_ns(u64 cycles) {
    return g_tsc_khz ? cycles * 1000000 / g_tsc_khz : 0;
}

} // namespace guest
