#include "hv/core/evtchn/interdomain.hpp"

Result<u32> evtchn_bind_interdomain(EvtchnTable& local, EvtchnTable& remote, u32 remote_port) {
    // Validate the remote end before taking a local port, so a refused bind
    // leaves both tables untouched.
    if (!EvtchnTable::is_valid(remote_port)) return XEN_EINVAL;
    const PortRecord& r = remote.record(remote_port);
    // Only the domain the remote side named may bind: otherwise any domain
    // could attach to a channel offered to someone else.
    if (r.state != PortState::Unbound || r.remote_dom != local.domid()) return XEN_EINVAL;

    auto local_port = local.find_free_port();
    if (!local_port) return local_port;

    PortRecord& l = local.ports_[*local_port];
    l = PortRecord{};
    l.state = PortState::Interdomain;
    l.remote_dom = remote.domid();
    l.remote_port = static_cast<u16>(remote_port);

    // For loopback the local port is a different (until now free) record of
    // the same table, so writing both ends is safe. The remote end keeps its
    // notify vCPU.
    PortRecord& rr = remote.ports_[remote_port];
    rr.state = PortState::Interdomain;
    rr.remote_dom = local.domid();
    rr.remote_port = static_cast<u16>(*local_port);
    return local_port;
}

Status evtchn_close(EvtchnTable& local, xen::SharedInfo& local_shared, u32 port,
                    EvtchnTable* peer) {
    if (!EvtchnTable::is_valid(port)) return XEN_EINVAL;
    const PortRecord& rec = local.ports_[port];
    switch (rec.state) {
    case PortState::Free:
    case PortState::Reserved:
        return XEN_EINVAL;
    case PortState::Interdomain: {
        if (peer == nullptr || peer->domid() != rec.remote_dom) return XEN_EINVAL;
        PortRecord& other = peer->ports_[rec.remote_port];
        if (other.state != PortState::Interdomain || other.remote_dom != local.domid() ||
            other.remote_port != port)
            return XEN_EINVAL;
        // The peer's end survives as an unbound port offered to us again, so
        // the peer can wait for a rebind instead of losing its channel.
        other.state = PortState::Unbound;
        other.remote_port = 0;
        break;
    }
    case PortState::Unbound:
    case PortState::Virq:
    case PortState::Ipi:
    case PortState::Pirq:
        break;
    }
    local.free_port(port);
    evtchn_clear_pending(local_shared, port);
    return XEN_OK;
}
