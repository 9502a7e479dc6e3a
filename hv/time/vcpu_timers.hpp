// A vCPU's guest-visible timers (docs/pv-abi.md §3.4.16, set_timer_op):
// the single-shot timer and the periodic tick both raise VIRQ_TIMER on
// that vCPU; the poll timer ends a SCHEDOP_poll. The periodic tick runs
// only while the vCPU is on a CPU, as in Xen, so descheduled vCPUs cost
// nothing; ticks missed meanwhile are not replayed.
#pragma once

#include "hv/lib/types.hpp"

struct Vcpu;

// Binds the timer handlers to v (domain construction).
void vcpu_timers_init(Vcpu* v);
// Single-shot at absolute system time `deadline` (ns); a past deadline
// fires at once.
void vcpu_singleshot_set(Vcpu* v, u64 deadline);
void vcpu_singleshot_stop(Vcpu* v);
// Periodic tick every period_ns (0 stops it).
void vcpu_periodic_set(Vcpu* v, u64 period_ns);
// The scheduler's hooks: v goes onto / comes off this CPU.
void vcpu_timers_switch_in(Vcpu* v, u64 now);
void vcpu_timers_switch_out(Vcpu* v);
// SCHEDOP_poll timeout (0 = none) and its withdrawal on wake-up.
void vcpu_poll_timeout_set(Vcpu* v, u64 deadline);
void vcpu_poll_timeout_stop(Vcpu* v);
// Everything off (vCPU down, domain teardown).
void vcpu_timers_stop_all(Vcpu* v);
