// A domain's event-channel ports for the 2-level ABI (docs/pv-abi.md §3.4.20,
// §5.6): what each of the 4096 ports is bound to and which vCPU it notifies,
// plus each vCPU's VIRQ -> port map. Pure bookkeeping: the pending and mask
// bits live in shared_info and are handled by pending.hpp; the operations
// below say in their comments which of those the caller must then apply.
//
// Storage is inside the object (about 34 KiB), so nothing allocates.
// Concurrency: the caller serialises all calls on one table with the
// domain's event lock; operations that touch two tables (interdomain.hpp)
// need both locks, taken lower domid first so two domains cannot deadlock.
#pragma once

#include "hv/abi/event_channel.hpp"
#include "hv/abi/xen.hpp"
#include "hv/core/evtchn/pending.hpp"
#include "hv/core/evtchn/virq.hpp"
#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

enum class PortState : u8 {
    Free = 0,
    Reserved, // port 0: never handed out, reported as closed
    Unbound,
    Interdomain,
    Virq,
    Ipi,
    Pirq, // no physical IRQs are passed through yet; kept for status()
};

// One port. Kept at 8 bytes: 4096 of them sit in every domain.
struct PortRecord {
    PortState state = PortState::Free;
    u8 virq = 0;         // Virq: the VIRQ number
    u16 notify_vcpu = 0; // vCPU whose selector/upcall a raise sets
    u16 remote_dom = 0;  // Unbound: who may bind; Interdomain: the peer
    u16 remote_port = 0; // Interdomain: the peer's port
};
static_assert(sizeof(PortRecord) == 8);
static_assert(kEvtchnMaxPorts - 1 <= 0xFFFF, "remote_port must hold any port number");

// EVTCHNOP_status's OUT fields.
struct PortStatus {
    xen::EvtchnStatus status = xen::EVTCHNSTAT_closed;
    u32 vcpu = 0;
    u16 remote_dom = 0;  // unbound, interdomain
    u32 remote_port = 0; // interdomain
    u32 virq = 0;        // virq
};

// Copy `s` into the OUT fields of the guest's evtchn_status argument.
void fill_status_args(const PortStatus& s, xen::EvtchnStatusArgs& out);

// Where EVTCHNOP_send on a port delivers (Xen's evtchn_send).
struct SendTarget {
    enum Kind : u8 {
        Drop,   // unbound: silently dropped, the hypercall still returns 0
        Local,  // ipi: raise `port` in this domain on `notify_vcpu`
        Remote, // interdomain: raise `port` in domain `domid` on that port's
                // own notify vCPU (read it from the peer's table)
    };
    Kind kind = Drop;
    u16 domid = 0;
    u32 port = 0;
    u32 notify_vcpu = 0; // Local only
};

// Where a fired VIRQ is raised: port 0 means "not bound, drop it".
struct VirqTarget {
    u32 port = 0;
    u32 notify_vcpu = 0;
};

constexpr u32 kEvtchnMaxVcpus = xen::XEN_LEGACY_MAX_VCPUS;

class EvtchnTable {
  public:
    // nr_vcpus: the domain's vCPU count (1..kEvtchnMaxVcpus); naming a vCPU
    // at or above it gives XEN_ENOENT, as Xen does for a missing vCPU.
    EvtchnTable(u16 domid, u32 nr_vcpus);

    u16 domid() const { return domid_; }
    u32 nr_vcpus() const { return nr_vcpus_; }

    // A port number the 2-level ABI can name (0..4095); port 0 included,
    // as in Xen, where it is valid but reserved.
    static bool is_valid(u32 port) { return port < kEvtchnMaxPorts; }
    // Bound to something (not free, not the reserved port 0). SCHEDOP_poll
    // refuses ports that are not in use with XEN_EINVAL.
    bool in_use(u32 port) const;
    // The record of a valid port; callers check is_valid first.
    const PortRecord& record(u32 port) const { return ports_[port]; }
    // vCPU a raise of `port` notifies (0 for free ports, as Xen resets it).
    u32 notify_vcpu(u32 port) const { return is_valid(port) ? ports_[port].notify_vcpu : 0; }

    // EVTCHNOP_alloc_unbound: a port that `remote_dom` may bind to.
    // remote_dom must already be resolved (DOMID_SELF means the *calling*
    // domain, which may differ from this one). XEN_ENOSPC when all 4095
    // usable ports are taken (xsa-317 relies on exactly that).
    Result<u32> alloc_unbound(u16 remote_dom);

    // EVTCHNOP_bind_virq. XEN_EINVAL for virq >= kNrVirqs or a global VIRQ
    // on a vCPU other than 0, XEN_ENOENT for a missing vCPU, XEN_EEXIST when
    // that vCPU has the VIRQ bound already, XEN_ENOSPC when full.
    Result<u32> bind_virq(u32 virq, u32 vcpu);

    // EVTCHNOP_bind_ipi: a port whose sends notify `vcpu` of this domain.
    // XEN_ENOENT for a missing vCPU, XEN_ENOSPC when full.
    Result<u32> bind_ipi(u32 vcpu);

    // EVTCHNOP_bind_vcpu: move notifications of `port` to `vcpu`. Allowed for
    // unbound and interdomain ports and global VIRQs; XEN_EINVAL otherwise
    // and for invalid ports, XEN_ENOENT (checked first) for a missing vCPU.
    // Only later raises go to the new vCPU; bits already set stay where they are.
    Status bind_vcpu(u32 port, u32 vcpu);

    // EVTCHNOP_status. XEN_EINVAL for an invalid port; free and reserved
    // ports report EVTCHNSTAT_closed.
    Result<PortStatus> status(u32 port) const;

    // EVTCHNOP_send: where the event goes. XEN_EINVAL for invalid, free,
    // reserved, virq and pirq ports (only Xen may raise those).
    Result<SendTarget> send_target(u32 port) const;

    // Where a fired `virq` is raised. Per-vCPU VIRQs go to `vcpu`'s binding;
    // a global one is looked up on vCPU 0 and goes to the port's current
    // notify vCPU (bind_vcpu may have moved it). Unbound: port 0.
    VirqTarget virq_target(u32 virq, u32 vcpu) const;

    // The peer of an interdomain port, or DOMID_INVALID for any other state.
    // The event_channel_op handler uses it to find (and lock) the table it
    // must hand to evtchn_close().
    u16 interdomain_peer(u32 port) const;

    // Sets a free `port` to `rec` as a state snapshot recorded it (trace
    // replay), keeping the VIRQ map consistent. XEN_EINVAL for port 0 or
    // an invalid port, a port already bound, a Free or Reserved record, a
    // VIRQ out of range or already bound on that vCPU, or a notify vCPU
    // the domain does not have. Interdomain records are taken as they are:
    // the peer's table says the same from its side.
    [[nodiscard]] Status restore(u32 port, const PortRecord& rec);

  private:
    friend struct IntrospectLayout; // hv/introspect publishes where ports_ lives
    // The two-table operations (interdomain.hpp) edit records directly.
    friend Result<u32> evtchn_bind_interdomain(EvtchnTable&, EvtchnTable&, u32);
    friend Status evtchn_close(EvtchnTable&, xen::SharedInfo&, u32, EvtchnTable*);

    // The lowest free port number, or XEN_ENOSPC.
    Result<u32> find_free_port() const;
    // Put `rec` in the lowest free port.
    Result<u32> allocate(PortRecord rec);
    // Return `port` to free, dropping any VIRQ map entry that points at it.
    void free_port(u32 port);
    bool vcpu_exists(u32 vcpu) const { return vcpu < nr_vcpus_; }

    u16 domid_;
    u32 nr_vcpus_;
    PortRecord ports_[kEvtchnMaxPorts];
    // virq_port_[v][virq]: the port VIRQ `virq` is bound to on vCPU v, 0 if
    // none. Global VIRQs live in row 0 only.
    u16 virq_port_[kEvtchnMaxVcpus][kNrVirqs];
};
