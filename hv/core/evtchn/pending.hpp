// The 2-level event-channel bit logic on a domain's shared_info page
// (docs/pv-abi.md §5.6). Port p has a pending and a mask bit, bit p % 64 of
// word p / 64; the notified vCPU's evtchn_pending_sel has one bit per word,
// and its evtchn_upcall_pending asks for the event callback.
//
// Concurrency: the guest reads and writes these words at any time (it clears
// pending bits and selector bits while it scans, sets and clears mask bits
// directly), so every update here is one atomic read-modify-write on guest
// memory and each step re-tests what it depends on, in the order Xen uses;
// the order is what makes a concurrent guest scan never miss an event.
// Callers need no lock for these functions beyond keeping the port bound.
#pragma once

#include "hv/abi/xen.hpp"
#include "hv/lib/types.hpp"

constexpr u32 kEvtchnPortsPerWord = 64;
constexpr u32 kEvtchnMaxPorts = xen::kEvtchnWords * kEvtchnPortsPerWord; // 4096

// What raising an event changed, so the caller can wake the right sleepers.
struct [[nodiscard]] RaiseResult {
    // The pending bit went 0 -> 1. A vCPU blocked in SCHEDOP_poll on this port
    // must be woken, masked or not. False when it was already pending: Xen
    // returns early then and so do we.
    bool newly_pending = false;
    // evtchn_upcall_pending of the notified vCPU went 0 -> 1: kick it (IPI if
    // running elsewhere, wake if blocked) so it takes the event callback.
    bool upcall_raised = false;
};

// Raise `port`: set its pending bit; if that was newly set and the port is not
// masked, set the selector bit of its word in `notify_vcpu_info` and, if that
// was newly set, evtchn_upcall_pending. Ports >= kEvtchnMaxPorts change nothing.
RaiseResult evtchn_set_pending(xen::SharedInfo& shared, xen::VcpuInfo& notify_vcpu_info, u32 port);

// EVTCHNOP_unmask: clear the mask bit and, if the port is pending, redo the
// selector/upcall step a masked raise skipped. (A guest clearing the mask bit
// in memory itself raises nothing; that is why the hypercall exists.)
// Returns true when evtchn_upcall_pending went 0 -> 1 (kick the vCPU).
[[nodiscard]] bool evtchn_unmask(xen::SharedInfo& shared, xen::VcpuInfo& notify_vcpu_info,
                                 u32 port);

// Clear the pending bit, as Xen does when a port is freed, so a later rebind
// of the same number does not inherit a stale event.
void evtchn_clear_pending(xen::SharedInfo& shared, u32 port);

[[nodiscard]] bool evtchn_is_pending(const xen::SharedInfo& shared, u32 port);
[[nodiscard]] bool evtchn_is_masked(const xen::SharedInfo& shared, u32 port);

// Xen's local_events_need_delivery(): an upcall is pending and not masked, so
// returning to the guest delivers the event callback. SCHEDOP_poll returns at
// once when this holds, SCHEDOP_block does not sleep.
[[nodiscard]] bool evtchn_upcall_deliverable(const xen::VcpuInfo& vcpu_info);
