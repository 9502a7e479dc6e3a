// event_channel_op's decode-check-act logic (docs/pv-abi.md §3.4.20,
// 2-level event channels) over the portable port tables. Delivery (pending
// bits in shared_info, waking vCPUs) and finding other domains come through
// EvtchnCaller, which the hypervisor implements for a running vCPU
// (hv/hypercall/event_channel_op.cpp) and the replay engine for a recorded one.
#pragma once

#include "hv/abi/xen.hpp"
#include "hv/core/evtchn/port_table.hpp"
#include "hv/core/hypercall/guest_memory.hpp"

namespace hcore {

class EvtchnCaller {
  public:
    virtual GuestMemory& memory() = 0;
    virtual u16 domid() = 0; // the calling domain
    virtual bool privileged() = 0;
    virtual u32 nr_vcpus() = 0;
    virtual u64 nr_pages() = 0;
    // The port table of domain `domid` (the caller's own included); null
    // when there is no such domain or it has no event channels.
    virtual EvtchnTable* table(u16 domid) = 0;
    virtual xen::SharedInfo& shared_info() = 0; // the caller's
    // Raise `port` of `domid` (pending bit, upcall, wake-ups); a domain that
    // no longer exists is ignored.
    virtual void raise(u16 domid, u32 port) = 0;
    // EVTCHNOP_unmask's delivery step on a valid port of the caller.
    virtual void unmask(u32 port) = 0;
    // EVTCHNOP_send is about to raise remote_port in remote_domain (the
    // recorder's EventSend; a no-op unless overridden).
    virtual void sent(u32 port, u16 remote_domain, u32 remote_port) {
        (void)port, (void)remote_domain, (void)remote_port;
    }

  protected:
    ~EvtchnCaller() = default;
};

// The hypercall's result as the guest sees it in rax.
i64 event_channel_op(EvtchnCaller& c, u64 cmd, u64 ptr);

} // namespace hcore
