// Runstate accounting (VCPUOP_get_runstate_info, docs/pv-abi.md §3.4.16):
// every change of a vCPU's scheduling state charges the time since the
// last change to the state it leaves.
#pragma once

#include "hv/abi/vcpu.hpp"
#include "hv/lib/types.hpp"

namespace hvtime {

inline void runstate_change(xen::RunstateInfo& r, int new_state, u64 now) {
    // Time never runs backwards for the accounting, even if a caller
    // samples `now` before a concurrent update landed.
    if (now > r.state_entry_time) {
        r.time[r.state] += now - r.state_entry_time;
        r.state_entry_time = now;
    }
    r.state = new_state;
}

// The record as of `now`: the current state's time brought up to date.
inline xen::RunstateInfo runstate_snapshot(const xen::RunstateInfo& r, u64 now) {
    xen::RunstateInfo s = r;
    runstate_change(s, r.state, now);
    return s;
}

} // namespace hvtime
