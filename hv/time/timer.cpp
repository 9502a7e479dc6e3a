#include "hv/time/timer.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/kernel/log.hpp"

namespace {
constexpr unsigned kMaxCpus = 64;

struct CpuTimers {
    hvtime::TimerQueue queue;
    u64 programmed = hvtime::kNoDeadline; // deadline the LAPIC is armed for
};
CpuTimers g_cpu[kMaxCpus];

CpuTimers& this_cpu() {
    unsigned id = cpu_info()->cpu_id;
    if (id >= kMaxCpus) panic("timers: CPU %u beyond %u", id, kMaxCpus);
    return g_cpu[id];
}
} // namespace

void timer_arm(hvtime::Timer* t, u64 deadline) {
    this_cpu().queue.arm(t, deadline);
}

void timer_cancel(hvtime::Timer* t) {
    if (t->queue) t->queue->cancel(t);
}

void timer_run_expired() {
    CpuTimers& c = this_cpu();
    // The interrupt consumed the LAPIC's arming (or it was early).
    c.programmed = hvtime::kNoDeadline;
    u64 now = arch::now_ns();
    while (hvtime::Timer* t = c.queue.pop_expired(now)) {
        if (t->fn) t->fn(t, now);
    }
}

void timer_reprogram() {
    CpuTimers& c = this_cpu();
    u64 next = c.queue.next_deadline();
    if (next == c.programmed) return;
    c.programmed = next;
    if (next == hvtime::kNoDeadline) {
        arch::apic_timer_oneshot(0);
        return;
    }
    u64 now = arch::now_ns();
    arch::apic_timer_oneshot(next > now ? next - now : 1);
}
