// Moved from hv/hypercall/event_channel_op.cpp unchanged in behaviour. A
// domain can only name its own ports; binding to another domain's port
// requires that port to be unbound and to allow the caller.
#include "hv/core/hypercall/evtchn_ops.hpp"

#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/evtchn/interdomain.hpp"

namespace hcore {

namespace {

i64 hc_status(Status s) {
    return s.as_hypercall_result();
}
i64 hc_error(XenErrno e) {
    return -static_cast<i64>(e);
}

u16 resolve(EvtchnCaller& c, u16 domid) {
    return domid == xen::DOMID_SELF ? c.domid() : domid;
}

template <class T>
i64 with_args(EvtchnCaller& c, u64 ptr, T& args) {
    return c.memory().read_obj(args, ptr).ok() ? 0 : hc_error(XEN_EFAULT);
}

template <class T>
i64 write_back(EvtchnCaller& c, u64 ptr, const T& args) {
    return hc_status(c.memory().write_obj(ptr, args));
}

i64 alloc_unbound(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnAllocUnbound a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    // Allocating in another domain is a toolstack operation (privileged).
    if (resolve(c, a.dom) != c.domid()) return hc_error(c.privileged() ? XEN_ESRCH : XEN_EPERM);
    auto port = own.alloc_unbound(resolve(c, a.remote_dom));
    if (!port.ok()) return hc_error(port.error());
    a.port = *port;
    return write_back(c, ptr, a);
}

i64 bind_interdomain(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnBindInterdomain a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    EvtchnTable* remote = c.table(resolve(c, a.remote_dom));
    if (!remote) return hc_error(XEN_ESRCH);
    auto port = evtchn_bind_interdomain(own, *remote, a.remote_port);
    if (!port.ok()) return hc_error(port.error());
    a.local_port = *port;
    c.raise(c.domid(), *port); // sends before the bind were dropped
    return write_back(c, ptr, a);
}

i64 close(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnPort a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    EvtchnTable* peer = nullptr;
    u16 peer_id = EvtchnTable::is_valid(a.port) ? own.interdomain_peer(a.port) : xen::DOMID_INVALID;
    if (peer_id != xen::DOMID_INVALID) peer = c.table(peer_id);
    return hc_status(evtchn_close(own, c.shared_info(), a.port, peer));
}

i64 send(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnPort a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    auto t = own.send_target(a.port);
    if (!t.ok()) return hc_error(t.error());
    if (t->kind != SendTarget::Drop)
        c.sent(a.port, t->kind == SendTarget::Remote ? t->domid : c.domid(), t->port);
    switch (t->kind) {
    case SendTarget::Local:
        c.raise(c.domid(), t->port);
        break;
    case SendTarget::Remote:
        c.raise(t->domid, t->port);
        break;
    case SendTarget::Drop:
        break;
    }
    return 0;
}

i64 status(EvtchnCaller& c, u64 ptr) {
    xen::EvtchnStatusArgs a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    u16 target_id = resolve(c, a.dom);
    EvtchnTable* target = c.table(target_id);
    if (!target) return hc_error(XEN_ESRCH);
    if (target_id != c.domid() && !c.privileged()) return hc_error(XEN_EPERM);
    auto s = target->status(a.port);
    if (!s.ok()) return hc_error(s.error());
    fill_status_args(*s, a);
    return write_back(c, ptr, a);
}

i64 unmask(EvtchnCaller& c, u64 ptr) {
    xen::EvtchnPort a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    if (!EvtchnTable::is_valid(a.port)) return hc_error(XEN_EINVAL);
    c.unmask(a.port);
    return 0;
}

i64 bind_virq(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnBindVirq a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    auto port = own.bind_virq(a.virq, a.vcpu);
    if (!port.ok()) return hc_error(port.error());
    a.port = *port;
    return write_back(c, ptr, a);
}

i64 bind_ipi(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnBindIpi a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    auto port = own.bind_ipi(a.vcpu);
    if (!port.ok()) return hc_error(port.error());
    a.port = *port;
    return write_back(c, ptr, a);
}

i64 bind_vcpu(EvtchnCaller& c, EvtchnTable& own, u64 ptr) {
    xen::EvtchnBindVcpu a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    return hc_status(own.bind_vcpu(a.port, a.vcpu));
}

// The FIFO ABI is not offered; arguments are still checked first, so a bad
// control frame is reported as such (-EINVAL, xsa-188) and a well-formed
// request learns that the ABI is missing.
i64 init_control(EvtchnCaller& c, u64 ptr) {
    xen::EvtchnInitControl a;
    if (i64 rc = with_args(c, ptr, a)) return rc;
    if (a.vcpu >= c.nr_vcpus()) return hc_error(XEN_ENOENT);
    if (a.offset > kPageSize - 64 || (a.offset & 7)) return hc_error(XEN_EINVAL);
    if (a.control_gfn >= c.nr_pages()) return hc_error(XEN_EINVAL);
    return hc_error(XEN_EOPNOTSUPP);
}

} // namespace

i64 event_channel_op(EvtchnCaller& c, u64 cmd_arg, u64 ptr) {
    EvtchnTable* own = c.table(c.domid());
    if (!own) return hc_error(XEN_ENOSYS);
    int cmd = static_cast<int>(cmd_arg);
    switch (cmd) {
    case xen::EVTCHNOP_alloc_unbound:
        return alloc_unbound(c, *own, ptr);
    case xen::EVTCHNOP_bind_interdomain:
        return bind_interdomain(c, *own, ptr);
    case xen::EVTCHNOP_bind_virq:
        return bind_virq(c, *own, ptr);
    case xen::EVTCHNOP_bind_ipi:
        return bind_ipi(c, *own, ptr);
    case xen::EVTCHNOP_bind_vcpu:
        return bind_vcpu(c, *own, ptr);
    case xen::EVTCHNOP_close:
        return close(c, *own, ptr);
    case xen::EVTCHNOP_send:
        return send(c, *own, ptr);
    case xen::EVTCHNOP_status:
        return status(c, ptr);
    case xen::EVTCHNOP_unmask:
        return unmask(c, ptr);
    case xen::EVTCHNOP_init_control:
        return init_control(c, ptr);
    case xen::EVTCHNOP_expand_array:
        return hc_error(XEN_EOPNOTSUPP); // the FIFO ABI was never initialised
    default:
        return hc_error(XEN_ENOSYS);
    }
}

} // namespace hcore
