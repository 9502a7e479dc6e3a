// Virtual IRQ numbers (public/xen.h) and which of them are per-vCPU. A guest
// binds a VIRQ to a port with EVTCHNOP_bind_virq; the hypervisor then raises
// that port when the virtual interrupt fires (docs/pv-abi.md §3.4.20).
#pragma once

#include "hv/lib/types.hpp"

enum Virq : u32 {
    VIRQ_TIMER = 0,    // per vCPU: the singleshot/periodic timer fired
    VIRQ_DEBUG = 1,    // per vCPU: debug key pressed on the console
    VIRQ_CONSOLE = 2,  // global: bytes arrived for the hypervisor console
    VIRQ_DOM_EXC = 3,  // global: a domain crashed or shut down
    VIRQ_TBUF = 4,     // global: trace buffers need draining
    VIRQ_DEBUGGER = 6, // global: a domain hit a debugger trap
    VIRQ_XENOPROF = 7, // per vCPU: profiling sample ready
    VIRQ_CON_RING = 8, // global: console ring has new data
    VIRQ_PCPU_STATE = 9,
    VIRQ_MEM_EVENT = 10,
    VIRQ_ARGO = 11,
    VIRQ_ENOMEM = 12,
    VIRQ_XENPMU = 13, // per vCPU: performance counter overflow
    VIRQ_ARCH_0 = 16,
    VIRQ_ARCH_7 = 23,
};

constexpr u32 kNrVirqs = 24;

// A global VIRQ is delivered to one domain as a whole, so Xen lets it be
// bound only on vCPU 0 (its virq->port slot lives there) and later moved with
// EVTCHNOP_bind_vcpu. A per-vCPU VIRQ is bound once per vCPU and cannot move.
// On x86 every architectural VIRQ (ARCH_0..7, e.g. the MCA one) is global.
constexpr bool virq_is_global(u32 virq) {
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}
