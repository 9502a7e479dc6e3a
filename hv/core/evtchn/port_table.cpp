#include "hv/core/evtchn/port_table.hpp"

#include "hv/abi/layout.hpp"

EvtchnTable::EvtchnTable(u16 domid, u32 nr_vcpus)
    : domid_(domid), nr_vcpus_(nr_vcpus < kEvtchnMaxVcpus ? nr_vcpus : kEvtchnMaxVcpus), ports_(),
      virq_port_() {
    // Port 0 is never handed out: guests (and Linux's evtchn code) use 0 as
    // "no port", so a real channel there would be indistinguishable from none.
    ports_[0].state = PortState::Reserved;
}

bool EvtchnTable::in_use(u32 port) const {
    if (!is_valid(port)) return false;
    PortState s = ports_[port].state;
    return s != PortState::Free && s != PortState::Reserved;
}

Result<u32> EvtchnTable::find_free_port() const {
    for (u32 port = 1; port < kEvtchnMaxPorts; ++port)
        if (ports_[port].state == PortState::Free) return port;
    return XEN_ENOSPC;
}

Result<u32> EvtchnTable::allocate(PortRecord rec) {
    auto port = find_free_port();
    if (port) ports_[*port] = rec;
    return port;
}

void EvtchnTable::free_port(u32 port) {
    const PortRecord& rec = ports_[port];
    if (rec.state == PortState::Virq) {
        // A global VIRQ stays in vCPU 0's row even after bind_vcpu moved its
        // notifications, so look in every row rather than at notify_vcpu.
        for (u32 v = 0; v < nr_vcpus_; ++v)
            if (virq_port_[v][rec.virq] == port) virq_port_[v][rec.virq] = 0;
    }
    // notify_vcpu goes back to 0 too: a reused port must not inherit an old
    // binding's vCPU.
    ports_[port] = PortRecord{};
}

Result<u32> EvtchnTable::alloc_unbound(u16 remote_dom) {
    PortRecord rec;
    rec.state = PortState::Unbound;
    rec.remote_dom = remote_dom;
    return allocate(rec);
}

Result<u32> EvtchnTable::bind_virq(u32 virq, u32 vcpu) {
    if (virq >= kNrVirqs) return XEN_EINVAL;
    if (virq_is_global(virq) && vcpu != 0) return XEN_EINVAL;
    if (!vcpu_exists(vcpu)) return XEN_ENOENT;
    if (virq_port_[vcpu][virq] != 0) return XEN_EEXIST;

    PortRecord rec;
    rec.state = PortState::Virq;
    rec.virq = static_cast<u8>(virq);
    rec.notify_vcpu = static_cast<u16>(vcpu);
    auto port = allocate(rec);
    if (port) virq_port_[vcpu][virq] = static_cast<u16>(*port);
    return port;
}

Result<u32> EvtchnTable::bind_ipi(u32 vcpu) {
    if (!vcpu_exists(vcpu)) return XEN_ENOENT;
    PortRecord rec;
    rec.state = PortState::Ipi;
    rec.notify_vcpu = static_cast<u16>(vcpu);
    return allocate(rec);
}

Status EvtchnTable::bind_vcpu(u32 port, u32 vcpu) {
    if (!vcpu_exists(vcpu)) return XEN_ENOENT;
    if (!is_valid(port)) return XEN_EINVAL;
    PortRecord& rec = ports_[port];
    switch (rec.state) {
    case PortState::Virq:
        // A per-vCPU VIRQ (the timer) describes that vCPU; moving it would
        // deliver one vCPU's timer to another.
        if (!virq_is_global(rec.virq)) return XEN_EINVAL;
        break;
    case PortState::Unbound:
    case PortState::Interdomain:
        break;
    default:
        return XEN_EINVAL;
    }
    rec.notify_vcpu = static_cast<u16>(vcpu);
    return XEN_OK;
}

Result<PortStatus> EvtchnTable::status(u32 port) const {
    if (!is_valid(port)) return XEN_EINVAL;
    const PortRecord& rec = ports_[port];
    PortStatus s;
    s.vcpu = rec.notify_vcpu;
    switch (rec.state) {
    case PortState::Free:
    case PortState::Reserved:
        s.status = xen::EVTCHNSTAT_closed;
        break;
    case PortState::Unbound:
        s.status = xen::EVTCHNSTAT_unbound;
        s.remote_dom = rec.remote_dom;
        break;
    case PortState::Interdomain:
        s.status = xen::EVTCHNSTAT_interdomain;
        s.remote_dom = rec.remote_dom;
        s.remote_port = rec.remote_port;
        break;
    case PortState::Virq:
        s.status = xen::EVTCHNSTAT_virq;
        s.virq = rec.virq;
        break;
    case PortState::Ipi:
        s.status = xen::EVTCHNSTAT_ipi;
        break;
    case PortState::Pirq:
        s.status = xen::EVTCHNSTAT_pirq;
        break;
    }
    return s;
}

void fill_status_args(const PortStatus& s, xen::EvtchnStatusArgs& out) {
    out.status = s.status;
    out.vcpu = s.vcpu;
    out.u = {};
    switch (s.status) {
    case xen::EVTCHNSTAT_unbound:
        out.u.unbound.dom = s.remote_dom;
        break;
    case xen::EVTCHNSTAT_interdomain:
        out.u.interdomain.dom = s.remote_dom;
        out.u.interdomain.port = s.remote_port;
        break;
    case xen::EVTCHNSTAT_virq:
        out.u.virq = s.virq;
        break;
    default:
        break;
    }
}

Result<SendTarget> EvtchnTable::send_target(u32 port) const {
    if (!is_valid(port)) return XEN_EINVAL;
    const PortRecord& rec = ports_[port];
    SendTarget t;
    switch (rec.state) {
    case PortState::Interdomain:
        t.kind = SendTarget::Remote;
        t.domid = rec.remote_dom;
        t.port = rec.remote_port;
        return t;
    case PortState::Ipi:
        t.kind = SendTarget::Local;
        t.domid = domid_;
        t.port = port;
        t.notify_vcpu = rec.notify_vcpu;
        return t;
    case PortState::Unbound:
        // Nobody is listening yet; Xen drops the event and reports success,
        // and bind_interdomain later marks the new port pending instead.
        t.kind = SendTarget::Drop;
        return t;
    default:
        // Free, reserved, and ports only the hypervisor raises (virq, pirq).
        return XEN_EINVAL;
    }
}

VirqTarget EvtchnTable::virq_target(u32 virq, u32 vcpu) const {
    VirqTarget t;
    if (virq >= kNrVirqs) return t;
    u32 row = virq_is_global(virq) ? 0 : vcpu;
    if (!vcpu_exists(row)) return t;
    t.port = virq_port_[row][virq];
    if (t.port != 0) t.notify_vcpu = ports_[t.port].notify_vcpu;
    return t;
}

u16 EvtchnTable::interdomain_peer(u32 port) const {
    if (!is_valid(port) || ports_[port].state != PortState::Interdomain) return xen::DOMID_INVALID;
    return ports_[port].remote_dom;
}

Status EvtchnTable::restore(u32 port, const PortRecord& rec) {
    if (port == 0 || !is_valid(port) || ports_[port].state != PortState::Free) return XEN_EINVAL;
    if (rec.state == PortState::Free || rec.state == PortState::Reserved) return XEN_EINVAL;
    if (!vcpu_exists(rec.notify_vcpu)) return XEN_EINVAL;
    if (rec.state == PortState::Virq) {
        if (rec.virq >= kNrVirqs) return XEN_EINVAL;
        // Global VIRQs live in row 0 whatever vCPU they notify (bind_vcpu).
        u32 row = virq_is_global(rec.virq) ? 0 : rec.notify_vcpu;
        if (virq_port_[row][rec.virq] != 0) return XEN_EINVAL;
        virq_port_[row][rec.virq] = static_cast<u16>(port);
    }
    ports_[port] = rec;
    return {};
}
