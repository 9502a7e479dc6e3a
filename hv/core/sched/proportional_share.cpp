#include "hv/core/sched/proportional_share.hpp"

namespace sched {

namespace {
u64 cap_budget(const ShareGroup& g) {
    return kPeriodNs / 100 * g.cap;
}

u32 weight_of(const ShareEntity& e) {
    return e.group && e.group->weight ? e.group->weight : kDefaultWeight;
}
} // namespace

void charge(ShareEntity& e, u64 ran_ns) {
    e.vtime += ran_ns * kDefaultWeight / weight_of(e);
    if (e.group) e.group->used_in_period += ran_ns;
}

bool within_cap(const ShareGroup& g) {
    return g.cap == 0 || g.used_in_period < cap_budget(g);
}

u64 cap_remaining(const ShareGroup& g) {
    if (g.cap == 0) return ~0ull;
    u64 budget = cap_budget(g);
    return g.used_in_period < budget ? budget - g.used_in_period : 0;
}

u64 advance_period(u64 now, u64 period_start, ShareGroup* const* groups, usize n) {
    if (now - period_start < kPeriodNs) return period_start;
    for (usize i = 0; i < n; i++)
        if (groups[i]) groups[i]->used_in_period = 0;
    return now - (now - period_start) % kPeriodNs;
}

void on_wake(ShareEntity& e, u64 min_vtime) {
    u64 floor = min_vtime > kWakeCredit ? min_vtime - kWakeCredit : 0;
    if (e.vtime < floor) e.vtime = floor;
}

u64 vtime_if_charged(const ShareEntity& e, u64 uncharged_ns) {
    return e.vtime + uncharged_ns * kDefaultWeight / weight_of(e);
}

bool wake_preempts(const ShareEntity& woken, u64 running_vtime) {
    if (woken.group && !within_cap(*woken.group)) return false;
    return woken.vtime < running_vtime && running_vtime - woken.vtime > kSwitchAllowance;
}

long pick(ShareEntity* const* candidates, usize n) {
    long best = -1;
    for (usize i = 0; i < n; i++) {
        const ShareEntity* e = candidates[i];
        if (e->group && !within_cap(*e->group)) continue;
        if (best < 0 || e->vtime < candidates[best]->vtime) best = static_cast<long>(i);
    }
    return best;
}

} // namespace sched
