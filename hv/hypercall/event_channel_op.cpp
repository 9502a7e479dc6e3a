// event_channel_op (docs/pv-abi.md §3.4.20): 2-level event channels. A
// domain can only name its own ports; binding to another domain's port
// requires that port to be unbound and to allow the caller.
#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/evtchn/interdomain.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"

namespace {

u16 resolve(const Domain* d, u16 domid) {
    return domid == xen::DOMID_SELF ? d->id : domid;
}

template <class T>
i64 with_args(u64 ptr, T& args) {
    return read_guest(args, ptr).ok() ? 0 : hc_error(XEN_EFAULT);
}

template <class T>
i64 write_back(u64 ptr, const T& args) {
    return hc_status(write_guest(ptr, args));
}

i64 alloc_unbound(Domain* d, u64 ptr) {
    xen::EvtchnAllocUnbound a;
    if (i64 rc = with_args(ptr, a)) return rc;
    // Allocating in another domain is a toolstack operation (privileged).
    if (resolve(d, a.dom) != d->id) return hc_error(d->privileged ? XEN_ESRCH : XEN_EPERM);
    auto port = d->evtchn->alloc_unbound(resolve(d, a.remote_dom));
    if (!port.ok()) return hc_error(port.error());
    a.port = *port;
    return write_back(ptr, a);
}

i64 bind_interdomain(Domain* d, u64 ptr) {
    xen::EvtchnBindInterdomain a;
    if (i64 rc = with_args(ptr, a)) return rc;
    Domain* remote = domain_lookup(resolve(d, a.remote_dom));
    if (!remote || !remote->evtchn) return hc_error(XEN_ESRCH);
    auto port = evtchn_bind_interdomain(*d->evtchn, *remote->evtchn, a.remote_port);
    if (!port.ok()) return hc_error(port.error());
    a.local_port = *port;
    evtchn_raise(d, *port); // sends before the bind were dropped
    return write_back(ptr, a);
}

i64 close(Domain* d, u64 ptr) {
    xen::EvtchnPort a;
    if (i64 rc = with_args(ptr, a)) return rc;
    EvtchnTable* peer = nullptr;
    u16 peer_id =
        EvtchnTable::is_valid(a.port) ? d->evtchn->interdomain_peer(a.port) : xen::DOMID_INVALID;
    if (peer_id != xen::DOMID_INVALID) {
        Domain* pd = domain_lookup(peer_id);
        peer = pd ? pd->evtchn : nullptr;
    }
    return hc_status(evtchn_close(*d->evtchn, *d->shared_info, a.port, peer));
}

i64 send(Domain* d, u64 ptr) {
    xen::EvtchnPort a;
    if (i64 rc = with_args(ptr, a)) return rc;
    auto t = d->evtchn->send_target(a.port);
    if (!t.ok()) return hc_error(t.error());
    switch (t->kind) {
    case SendTarget::Local:
        evtchn_raise(d, t->port);
        break;
    case SendTarget::Remote:
        if (Domain* r = domain_lookup(t->domid)) evtchn_raise(r, t->port);
        break;
    case SendTarget::Drop:
        break;
    }
    return 0;
}

i64 status(Domain* d, u64 ptr) {
    xen::EvtchnStatusArgs a;
    if (i64 rc = with_args(ptr, a)) return rc;
    Domain* target = domain_lookup(resolve(d, a.dom));
    if (!target || !target->evtchn) return hc_error(XEN_ESRCH);
    if (target != d && !d->privileged) return hc_error(XEN_EPERM);
    auto s = target->evtchn->status(a.port);
    if (!s.ok()) return hc_error(s.error());
    fill_status_args(*s, a);
    return write_back(ptr, a);
}

i64 unmask(Domain* d, u64 ptr) {
    xen::EvtchnPort a;
    if (i64 rc = with_args(ptr, a)) return rc;
    if (!EvtchnTable::is_valid(a.port)) return hc_error(XEN_EINVAL);
    u32 vcpu = d->evtchn->notify_vcpu(a.port);
    Vcpu* v = &d->vcpus[vcpu < d->nr_vcpus ? vcpu : 0];
    if (v->vcpu_info && evtchn_unmask(*d->shared_info, *v->vcpu_info, a.port) &&
        v->state == VcpuState::blocked)
        v->state = VcpuState::runnable;
    return 0;
}

i64 bind_virq(Domain* d, u64 ptr) {
    xen::EvtchnBindVirq a;
    if (i64 rc = with_args(ptr, a)) return rc;
    auto port = d->evtchn->bind_virq(a.virq, a.vcpu);
    if (!port.ok()) return hc_error(port.error());
    a.port = *port;
    return write_back(ptr, a);
}

i64 bind_ipi(Domain* d, u64 ptr) {
    xen::EvtchnBindIpi a;
    if (i64 rc = with_args(ptr, a)) return rc;
    auto port = d->evtchn->bind_ipi(a.vcpu);
    if (!port.ok()) return hc_error(port.error());
    a.port = *port;
    return write_back(ptr, a);
}

i64 bind_vcpu(Domain* d, u64 ptr) {
    xen::EvtchnBindVcpu a;
    if (i64 rc = with_args(ptr, a)) return rc;
    return hc_status(d->evtchn->bind_vcpu(a.port, a.vcpu));
}

// The FIFO ABI is not offered; arguments are still checked first, so a bad
// control frame is reported as such (-EINVAL, xsa-188) and a well-formed
// request learns that the ABI is missing.
i64 init_control(Domain* d, u64 ptr) {
    xen::EvtchnInitControl a;
    if (i64 rc = with_args(ptr, a)) return rc;
    if (a.vcpu >= d->nr_vcpus) return hc_error(XEN_ENOENT);
    if (a.offset > kPageSize - 64 || (a.offset & 7)) return hc_error(XEN_EINVAL);
    if (a.control_gfn >= d->nr_pages) return hc_error(XEN_EINVAL);
    return hc_error(XEN_EOPNOTSUPP);
}

} // namespace

i64 hc_event_channel_op(Vcpu* v, const HypercallArgs& a) {
    Domain* d = v->domain;
    if (!d->evtchn) return hc_error(XEN_ENOSYS);
    int cmd = static_cast<int>(a.a[0]);
    u64 ptr = a.a[1];
    switch (cmd) {
    case xen::EVTCHNOP_alloc_unbound:
        return alloc_unbound(d, ptr);
    case xen::EVTCHNOP_bind_interdomain:
        return bind_interdomain(d, ptr);
    case xen::EVTCHNOP_bind_virq:
        return bind_virq(d, ptr);
    case xen::EVTCHNOP_bind_ipi:
        return bind_ipi(d, ptr);
    case xen::EVTCHNOP_bind_vcpu:
        return bind_vcpu(d, ptr);
    case xen::EVTCHNOP_close:
        return close(d, ptr);
    case xen::EVTCHNOP_send:
        return send(d, ptr);
    case xen::EVTCHNOP_status:
        return status(d, ptr);
    case xen::EVTCHNOP_unmask:
        return unmask(d, ptr);
    case xen::EVTCHNOP_init_control:
        return init_control(d, ptr);
    case xen::EVTCHNOP_expand_array:
        return hc_error(XEN_EOPNOTSUPP); // the FIFO ABI was never initialised
    default:
        return hc_error(XEN_ENOSYS);
    }
}
