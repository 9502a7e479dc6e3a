#include "hv/time/clock.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/rtc.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/kernel/log.hpp"

namespace {
// Compiler barrier: x86 keeps stores in order, so this suffices for a
// reader on another CPU as well.
inline void store_order() {
    asm volatile("" ::: "memory");
}

bool g_wallclock_read;
u64 g_wc_sec_at_boot;
u32 g_wc_nsec_at_boot;
} // namespace

void time_update_vcpu(Vcpu* v) {
    xen::VcpuInfo* vi = v->vcpu_info;
    if (!vi) return;
    volatile xen::VcpuTimeInfo& t = vi->time;
    u64 tsc = arch::rdtsc();
    hvtime::TimeScale s = arch::tsc_scale();
    t.version = t.version + 1; // odd: update in progress
    store_order();
    t.tsc_timestamp = tsc;
    t.system_time = hvtime::scale_delta(tsc - arch::tsc_at_boot(), s);
    t.tsc_to_system_mul = s.mul;
    t.tsc_shift = s.shift;
    t.flags = 0;
    store_order();
    t.version = t.version + 1; // even again: consistent
}

u64 wallclock_boot_seconds() {
    if (!g_wallclock_read) {
        g_wallclock_read = true;
        u64 rtc = arch::rtc_read_unix_seconds();
        u64 now = arch::now_ns(); // the RTC's second started up to 1 s ago
        u64 up_sec = now / 1000000000ull;
        u32 up_nsec = static_cast<u32>(now % 1000000000ull);
        // wall(0) = rtc - now, as seconds + nanoseconds.
        g_wc_sec_at_boot = rtc - up_sec - (up_nsec ? 1 : 0);
        g_wc_nsec_at_boot = up_nsec ? 1000000000u - up_nsec : 0;
        LOG_INFO("wall clock: %lu s since 1970 at boot (RTC)", g_wc_sec_at_boot);
    }
    return g_wc_sec_at_boot;
}

void time_update_wallclock(Domain* d) {
    if (!d->shared_info) return;
    u64 sec = wallclock_boot_seconds();
    volatile xen::SharedInfo* si = d->shared_info;
    si->wc_version = si->wc_version + 1;
    store_order();
    si->wc_sec = static_cast<u32>(sec);
    si->wc_nsec = g_wc_nsec_at_boot;
    si->wc_sec_hi = static_cast<u32>(sec >> 32);
    store_order();
    si->wc_version = si->wc_version + 1;
}

void time_set_wallclock(u64 sec, u32 nsec, u64 system_time) {
    // wall(0) = (sec, nsec) - system_time, kept as seconds + nanoseconds.
    constexpr u64 kNs = 1000000000ull;
    u64 back_sec = system_time / kNs;
    u64 back_nsec = system_time % kNs;
    u64 s = sec - back_sec;
    u64 ns = nsec;
    if (ns < back_nsec) {
        ns += kNs;
        s--;
    }
    g_wallclock_read = true; // the RTC is no longer consulted
    g_wc_sec_at_boot = s;
    g_wc_nsec_at_boot = static_cast<u32>(ns - back_nsec);
    unsigned count = 0;
    Domain* const* all = domain_registry(count);
    for (unsigned i = 0; i < count; i++)
        if (all[i]) time_update_wallclock(all[i]);
}
