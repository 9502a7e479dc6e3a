#include "hv/time/vcpu_timers.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/core/evtchn/virq.hpp"
#include "hv/domain/domain.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/time/timer.hpp"

namespace {
Vcpu* owner(hvtime::Timer* t) {
    return static_cast<Vcpu*>(t->owner);
}

void singleshot_fired(hvtime::Timer* t, u64) {
    Vcpu* v = owner(t);
    evtchn_send_virq(v->domain, VIRQ_TIMER, v->id);
    // The guest armed this timer to be woken (block after set_timer_op),
    // even if it has not bound VIRQ_TIMER; a spurious wake-up from block
    // is allowed, a missing one would hang it. Pollers wake only for their ports.
    if (v->state == VcpuState::blocked && !v->polling) vcpu_wake(v);
}

void periodic_fired(hvtime::Timer* t, u64 now) {
    Vcpu* v = owner(t);
    evtchn_send_virq(v->domain, VIRQ_TIMER, v->id);
    if (!v->periodic_period_ns) return;
    v->periodic_next_ns += v->periodic_period_ns;
    if (v->periodic_next_ns <= now) v->periodic_next_ns = now + v->periodic_period_ns;
    if (v->state == VcpuState::running) timer_arm(&v->periodic_timer, v->periodic_next_ns);
}

void poll_expired(hvtime::Timer* t, u64) {
    Vcpu* v = owner(t);
    if (v->polling) vcpu_wake(v);
}
} // namespace

void vcpu_timers_init(Vcpu* v) {
    v->singleshot_timer.fn = singleshot_fired;
    v->periodic_timer.fn = periodic_fired;
    v->poll_timer.fn = poll_expired;
    v->singleshot_timer.owner = v->periodic_timer.owner = v->poll_timer.owner = v;
}

void vcpu_singleshot_set(Vcpu* v, u64 deadline) {
    timer_arm(&v->singleshot_timer, deadline);
}

void vcpu_singleshot_stop(Vcpu* v) {
    timer_cancel(&v->singleshot_timer);
}

void vcpu_periodic_set(Vcpu* v, u64 period_ns) {
    v->periodic_period_ns = period_ns;
    if (!period_ns) {
        timer_cancel(&v->periodic_timer);
        return;
    }
    // A new period counts from now.
    v->periodic_next_ns = arch::now_ns() + period_ns;
    if (v->state == VcpuState::running) timer_arm(&v->periodic_timer, v->periodic_next_ns);
}

void vcpu_timers_switch_in(Vcpu* v, u64 now) {
    if (!v->periodic_period_ns) return;
    if (v->periodic_next_ns && v->periodic_next_ns <= now) {
        // Ticks fell due while it was off the CPU: one stands for them all.
        evtchn_send_virq(v->domain, VIRQ_TIMER, v->id);
        v->periodic_next_ns = 0;
    }
    if (!v->periodic_next_ns) v->periodic_next_ns = now + v->periodic_period_ns;
    timer_arm(&v->periodic_timer, v->periodic_next_ns);
}

void vcpu_timers_switch_out(Vcpu* v) {
    timer_cancel(&v->periodic_timer);
}

void vcpu_poll_timeout_set(Vcpu* v, u64 deadline) {
    if (deadline)
        timer_arm(&v->poll_timer, deadline);
    else
        timer_cancel(&v->poll_timer);
}

void vcpu_poll_timeout_stop(Vcpu* v) {
    timer_cancel(&v->poll_timer);
}

void vcpu_timers_stop_all(Vcpu* v) {
    timer_cancel(&v->singleshot_timer);
    timer_cancel(&v->periodic_timer);
    timer_cancel(&v->poll_timer);
}
