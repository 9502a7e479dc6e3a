// sched_op (docs/pv-abi.md §3.4.18): yield, block, shutdown, poll.
#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/core/evtchn/pending.hpp"
#include "hv/domain/crash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/sched/schedule.hpp"

namespace {

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
    // Block until an event of the domain is raised or the deadline passes.
    vcpu_poll(v, req.timeout);
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
        // Blocking re-enables event delivery, then sleeps unless something
        // is already pending (checked again by the scheduler).
        if (v->vcpu_info) v->vcpu_info->evtchn_upcall_mask = 0;
        if (!upcall_deliverable(v)) vcpu_block(v);
        return 0;
    case xen::SCHEDOP_shutdown: {
        xen::SchedShutdown s;
        if (!read_guest(s, arg).ok()) return hc_error(XEN_EFAULT);
        domain_shutdown(v->domain, s.reason);
        return 0;
    }
    case xen::SCHEDOP_poll:
        return poll(v, arg);
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
        domain_shutdown(v->domain, static_cast<unsigned>(a.a[1]));
        return 0;
    default:
        return hc_error(XEN_ENOSYS);
    }
}
