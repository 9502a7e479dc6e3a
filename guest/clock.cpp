#include "guest/clock.hpp"

#include "guest/shared_info.hpp"
#include "hv/abi/xen.hpp"
#include "hv/core/time/scale.hpp"

namespace guest {

namespace {
u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<u64>(hi) << 32) | lo;
}
} // namespace

// Read under the version protocol: retry while the hypervisor is mid-update
// (odd version) or updated the record while we read it.
u64 system_time_ns() {
    const volatile xen::VcpuTimeInfo& t = shared_info()->vcpu_info[0].time;
    for (;;) {
        u32 version = t.version;
        asm volatile("" ::: "memory");
        u64 stamp = t.tsc_timestamp, base = t.system_time;
        hvtime::TimeScale s{t.tsc_to_system_mul, t.tsc_shift};
        u64 tsc = rdtsc();
        asm volatile("" ::: "memory");
        if ((version & 1) == 0 && version == t.version)
            return base + hvtime::scale_delta(tsc - stamp, s);
    }
}

} // namespace guest
