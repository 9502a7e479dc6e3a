// sched_op (docs/pv-abi.md §3.4.18): yield, block, shutdown, poll,
// remote_shutdown, shutdown_code; and set_timer_op (hypercall 15), the
// scheduler's other guest entry point.
#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/core/evtchn/pending.hpp"
#include "hv/domain/crash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/time/vcpu_timers.hpp"

namespace {

struct SchedRemoteShutdown {
    u16 domain_id;
    u16 pad;
    u32 reason;
};
static_assert(sizeof(SchedRemoteShutdown) == 8);

// SCHEDOP_shutdown_code: the reason a domain's later shutdown reports,
// whatever that shutdown names (Xen keeps the first code set).
// Stored as code + 1 so that zeroed storage means "none set".
constexpr unsigned kCodeTableSize = 256;
u16 g_shutdown_code_plus1[kCodeTableSize];

void set_shutdown_code(u16 dom, u32 reason) {
    if (dom < kCodeTableSize && !g_shutdown_code_plus1[dom])
        g_shutdown_code_plus1[dom] = static_cast<u16>((reason & 0xFF) + 1);
}

void shutdown_with_code(Domain* d, u32 reason) {
    u16 code = d->id < kCodeTableSize ? g_shutdown_code_plus1[d->id] : 0;
    domain_shutdown(d, code ? code - 1u : reason);
}

bool upcall_deliverable(const Vcpu* v) {
    return v->vcpu_info && evtchn_upcall_deliverable(*v->vcpu_info);
}

i64 poll(Vcpu* v, u64 arg) {
    xen::SchedPoll req;
    if (!read_guest(req, arg).ok()) return hc_error(XEN_EFAULT);
    if (req.nr_ports > 128) return hc_error(XEN_EINVAL);
    Domain* d = v->domain;
    bool any_pending = upcall_deliverable(v);
    for (u32 i = 0; i < req.nr_ports; i++) {
        u32 port;
        if (!read_guest(port, req.ports + 4ull * i).ok()) return hc_error(XEN_EFAULT);
        if (!evtchn_port_in_use(d, port)) return hc_error(XEN_EINVAL);
        if (evtchn_is_pending(*d->shared_info, port)) any_pending = true;
    }
    if (any_pending) return 0;
    if (req.timeout && req.timeout <= arch::now_ns()) return 0; // deadline already passed
    // Block until an event of the domain is raised or the poll timer fires.
    vcpu_poll(v, req.timeout);
    return 0;
}

i64 remote_shutdown(Vcpu* v, u64 arg) {
    SchedRemoteShutdown r;
    if (!read_guest(r, arg).ok()) return hc_error(XEN_EFAULT);
    // Only a privileged domain may shut another down.
    if (!v->domain->privileged) return hc_error(XEN_EPERM);
    Domain* d = domain_lookup(r.domain_id);
    if (!d) return hc_error(XEN_ESRCH);
    if (r.reason > xen::SHUTDOWN_soft_reset) return hc_error(XEN_EINVAL);
    shutdown_with_code(d, r.reason);
    return 0;
}

} // namespace

i64 hc_sched_op(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    u64 arg = a.a[1];
    switch (cmd) {
    case xen::SCHEDOP_yield:
        vcpu_yield(v);
        return 0;
    case xen::SCHEDOP_block:
        // Blocking re-enables event delivery (so the wake-up event is taken
        // on the way out), then sleeps unless an upcall is already
        // deliverable: the hypercall returns at once and the upcall runs.
        if (v->vcpu_info) v->vcpu_info->evtchn_upcall_mask = 0;
        if (!upcall_deliverable(v)) vcpu_block(v);
        return 0;
    case xen::SCHEDOP_shutdown: {
        xen::SchedShutdown s;
        if (!read_guest(s, arg).ok()) return hc_error(XEN_EFAULT);
        shutdown_with_code(v->domain, s.reason);
        return 0;
    }
    case xen::SCHEDOP_poll:
        return poll(v, arg);
    case xen::SCHEDOP_remote_shutdown:
        return remote_shutdown(v, arg);
    case xen::SCHEDOP_shutdown_code: {
        xen::SchedShutdown s;
        if (!read_guest(s, arg).ok()) return hc_error(XEN_EFAULT);
        set_shutdown_code(v->domain->id, s.reason);
        return 0;
    }
    default:
        return hc_error(XEN_ENOSYS);
    }
}

// The pre-3.0 form: the argument is passed by value.
i64 hc_sched_op_compat(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    switch (cmd) {
    case xen::SCHEDOP_yield:
    case xen::SCHEDOP_block:
        return hc_sched_op(v, a);
    case xen::SCHEDOP_shutdown:
        shutdown_with_code(v->domain, static_cast<unsigned>(a.a[1]));
        return 0;
    default:
        return hc_error(XEN_ENOSYS);
    }
}

// set_timer_op(u64 timeout): the calling vCPU's single-shot timer at an
// absolute system time; 0 cancels it. A deadline more than 2^50 ns (~13
// days) ahead is what a 32-bit guest's truncated time looks like: Xen
// fires those soon instead of never, and so do we.
i64 hc_set_timer_op(Vcpu* v, const HypercallArgs& a) {
    u64 timeout = a.a[0];
    if (!timeout) {
        vcpu_singleshot_stop(v);
        return 0;
    }
    u64 now = arch::now_ns();
    if (timeout > now && ((timeout - now) >> 50) != 0) timeout = now + 50000000; // 50 ms
    vcpu_singleshot_set(v, timeout);
    return 0;
}
