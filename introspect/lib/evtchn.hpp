// Event channels of one domain: each bound port's state, binding, notify
// vCPU, pending and masked bits, and each vCPU's upcall state. Bindings
// come from the hypervisor's EvtchnTable, the bits from the domain's
// shared_info page (where the guest itself sees them).
#pragma once

#include "introspect/lib/domains.hpp"
#include "introspect/lib/outcome.hpp"
#include "introspect/lib/target.hpp"

#include <string>
#include <vector>

namespace glass {

struct PortSnapshot {
    u32 port = 0;
    std::string state; // Unbound, Interdomain, Virq, Ipi, Pirq, Reserved
    u32 notify_vcpu = 0;
    u16 remote_dom = 0;  // Unbound: who may bind; Interdomain: the peer
    u16 remote_port = 0; // Interdomain
    u32 virq = 0;        // Virq
    bool pending = false, masked = false;
};

struct UpcallSnapshot {
    u32 vcpu = 0;
    bool pending = false, masked = false;
    u64 pending_sel = 0;
};

struct EvtchnSnapshot {
    ReadStamp stamp;
    u16 domid = 0;
    std::vector<PortSnapshot> ports; // ports not free, in order
    std::vector<UpcallSnapshot> vcpus;
};

// Errors: no such domain, or a domain without event channels yet.
Outcome<EvtchnSnapshot> read_evtchn(const Target& t, u16 domid);

} // namespace glass
