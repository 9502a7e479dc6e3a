// Event-channel operations of the 2-level ABI (public/event_channel.h,
// docs/pv-abi.md §3.3 and §3.4.20). Each command takes a pointer to its own
// argument struct; fields marked OUT are written by the hypervisor.
#pragma once

#include "hv/lib/types.hpp"

#include <cstddef>

namespace xen {

enum EvtchnOp : int {
    EVTCHNOP_bind_interdomain = 0,
    EVTCHNOP_bind_virq = 1,
    EVTCHNOP_bind_pirq = 2,
    EVTCHNOP_close = 3,
    EVTCHNOP_send = 4,
    EVTCHNOP_status = 5,
    EVTCHNOP_alloc_unbound = 6,
    EVTCHNOP_bind_ipi = 7,
    EVTCHNOP_bind_vcpu = 8,
    EVTCHNOP_unmask = 9,
    EVTCHNOP_reset = 10,
    EVTCHNOP_init_control = 11,
    EVTCHNOP_expand_array = 12,
    EVTCHNOP_set_priority = 13,
};

// Status values reported by EVTCHNOP_status.
enum EvtchnStatus : u32 {
    EVTCHNSTAT_closed = 0,
    EVTCHNSTAT_unbound = 1,
    EVTCHNSTAT_interdomain = 2,
    EVTCHNSTAT_pirq = 3,
    EVTCHNSTAT_virq = 4,
    EVTCHNSTAT_ipi = 5,
};

// Allocate a port in `dom` that `remote_dom` may later bind to. Both ids may
// be DOMID_SELF; only privileged callers may name another `dom`.
struct EvtchnAllocUnbound {
    u16 dom;        // IN
    u16 remote_dom; // IN
    u32 port;       // OUT
};
static_assert(sizeof(EvtchnAllocUnbound) == 8);
static_assert(offsetof(EvtchnAllocUnbound, port) == 4);

// Close, send and unmask all name one local port.
struct EvtchnPort {
    u32 port; // IN
};
static_assert(sizeof(EvtchnPort) == 4);

// Report the state of <dom, port>. For an unbound port `u.unbound.dom` is the
// domain allowed to bind it: with remote DOMID_SELF that is the caller's own
// id, which is how XTF (and our guest) learn their domid.
struct EvtchnStatusArgs {
    u16 dom; // IN
    u16 pad0;
    u32 port;   // IN
    u32 status; // OUT: EvtchnStatus
    u32 vcpu;   // OUT: vCPU notified
    union {
        struct {
            u16 dom;
        } unbound;
        struct {
            u16 dom;
            u16 pad;
            u32 port;
        } interdomain;
        u32 pirq;
        u32 virq;
    } u; // OUT
};
static_assert(sizeof(EvtchnStatusArgs) == 24);
static_assert(offsetof(EvtchnStatusArgs, port) == 4);
static_assert(offsetof(EvtchnStatusArgs, status) == 8);
static_assert(offsetof(EvtchnStatusArgs, vcpu) == 12);
static_assert(offsetof(EvtchnStatusArgs, u) == 16);
static_assert(offsetof(EvtchnStatusArgs, u.interdomain.port) == 20);

// Bind a new local port to <remote_dom, remote_port>, an unbound port that
// allows us.
struct EvtchnBindInterdomain {
    u16 remote_dom; // IN
    u16 pad;
    u32 remote_port; // IN
    u32 local_port;  // OUT
};
static_assert(sizeof(EvtchnBindInterdomain) == 12);

struct EvtchnBindVirq {
    u32 virq; // IN
    u32 vcpu; // IN
    u32 port; // OUT
};
static_assert(sizeof(EvtchnBindVirq) == 12);

struct EvtchnBindIpi {
    u32 vcpu; // IN
    u32 port; // OUT
};
static_assert(sizeof(EvtchnBindIpi) == 8);

struct EvtchnBindVcpu {
    u32 port; // IN
    u32 vcpu; // IN
};
static_assert(sizeof(EvtchnBindVcpu) == 8);

// FIFO ABI (not offered: the 2-level ABI is used).
struct EvtchnInitControl {
    u64 control_gfn; // IN
    u32 offset;      // IN
    u32 vcpu;        // IN
    u8 link_bits;    // OUT
    u8 pad[7];
};
static_assert(sizeof(EvtchnInitControl) == 24);

} // namespace xen
