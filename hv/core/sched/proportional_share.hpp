// Proportional-share CPU scheduling in the spirit of the Xen paper's
// Borrowed Virtual Time: every vCPU has a virtual time that advances by the
// real time it runs divided by its domain's weight, and the scheduler runs
// the eligible vCPU with the smallest virtual time. Over any busy interval,
// domains therefore receive CPU time in proportion to their weights. A
// domain's cap (percent of one CPU per accounting period) makes its vCPUs
// ineligible once it has used its share, until the next period.
//
// A vCPU that wakes from blocking gets its virtual time raised to at most
// `kWakeCredit` behind the smallest one among the others that run or may
// run: it may run soon (low latency for I/O-bound guests) but cannot cash
// in time it spent asleep.
//
// Wake-up preemption is BVT's rule: the woken vCPU preempts a running one
// when its virtual time is behind the runner's (charged up to now) by more
// than the context-switch allowance `kSwitchAllowance`. Nothing is given
// away: the woken vCPU is charged for every nanosecond it then runs, so a
// domain that wakes often only gets its turn sooner, never a larger share
// (its lag is bounded by kWakeCredit whatever its wake-up pattern).
//
// Pure logic over plain structs: the hypervisor owns the vCPU list and
// calls these functions under its lock; the unit tests drive them with a
// simulated clock.
#pragma once

#include "hv/lib/types.hpp"

namespace sched {

constexpr u32 kDefaultWeight = 256;
constexpr u64 kPeriodNs = 100'000'000;  // cap accounting period: 100 ms
constexpr u64 kWakeCredit = 10'000'000; // virtual ns a waking vCPU may borrow
// BVT's C: how far behind (virtual ns) a woken vCPU must be to preempt. It
// bounds how often two vCPUs can take the CPU from each other: each switch
// costs the preempted one at least this much weighted run time first.
constexpr u64 kSwitchAllowance = 1'000'000;

// Per domain.
struct ShareGroup {
    u32 weight = kDefaultWeight; // relative share, 1..65535
    u32 cap = 0;                 // percent of one CPU per period; 0 = no cap
    u64 used_in_period = 0;      // ns run in the current period
};

// Per vCPU.
struct ShareEntity {
    ShareGroup* group = nullptr;
    u64 vtime = 0; // weighted virtual time, in "ns at weight 256"
};

// Charges `ran_ns` of real CPU time to e.
void charge(ShareEntity& e, u64 ran_ns);

// True while the group may run in this period.
bool within_cap(const ShareGroup& g);

// Resets every group's period usage when `now` crossed into a new period
// since `period_start`; returns the start of the current period.
u64 advance_period(u64 now, u64 period_start, ShareGroup* const* groups, usize n);

// e wakes up: limit how far behind `min_vtime` (the smallest virtual time
// among runnable entities) it may start.
void on_wake(ShareEntity& e, u64 min_vtime);

// e's virtual time if it were charged now for `uncharged_ns` it has run
// since its last charge (for comparing against a vCPU on another CPU
// without touching that CPU's accounting).
u64 vtime_if_charged(const ShareEntity& e, u64 uncharged_ns);

// The wake-up preemption decision: true when `woken` may take the CPU from
// an entity whose virtual time, charged up to now, is `running_vtime`. A
// woken entity over its cap never preempts.
bool wake_preempts(const ShareEntity& woken, u64 running_vtime);

// Index of the entity to run among candidates[0..n) (all runnable), or -1
// when none is within its cap. Ties go to the lowest index.
long pick(ShareEntity* const* candidates, usize n);

// Real time until g's cap is used up in this period (for the slice timer);
// ~0 when uncapped.
u64 cap_remaining(const ShareGroup& g);

} // namespace sched
