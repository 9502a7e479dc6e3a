// event_channel_op (docs/pv-abi.md §3.4.20): 2-level event channels. The
// decode-check-act logic is portable (hv/core/hypercall/evtchn_ops), so the
// host replay runs the same code; this file is the domain it runs against.
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/core/hypercall/evtchn_ops.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/trace/recorder.hpp"

namespace {

class DomainEvtchn final : public hcore::EvtchnCaller {
  public:
    explicit DomainEvtchn(Domain* d) : d_(d) {}

    hcore::GuestMemory& memory() override { return mem_; }
    u16 domid() override { return d_->id; }
    bool privileged() override { return d_->privileged; }
    u32 nr_vcpus() override { return d_->nr_vcpus; }
    u64 nr_pages() override { return d_->nr_pages; }
    EvtchnTable* table(u16 domid) override {
        Domain* d = domid == d_->id ? d_ : domain_lookup(domid);
        return d ? d->evtchn : nullptr;
    }
    xen::SharedInfo& shared_info() override { return *d_->shared_info; }
    void sent(u32 port, u16 remote_domain, u32 remote_port) override {
        trace::event_send(current_vcpu(), port, remote_domain, remote_port);
    }
    void raise(u16 domid, u32 port) override {
        if (Domain* d = domid == d_->id ? d_ : domain_lookup(domid)) evtchn_raise(d, port);
    }
    void unmask(u32 port) override {
        u32 vcpu = d_->evtchn->notify_vcpu(port);
        Vcpu* v = &d_->vcpus[vcpu < d_->nr_vcpus ? vcpu : 0];
        if (v->vcpu_info && evtchn_unmask(*d_->shared_info, *v->vcpu_info, port) &&
            v->state == VcpuState::blocked)
            v->state = VcpuState::runnable;
    }

  private:
    Domain* d_;
    GuestCopy mem_;
};

} // namespace

i64 hc_event_channel_op(Vcpu* v, const HypercallArgs& a) {
    DomainEvtchn c(v->domain);
    return hcore::event_channel_op(c, a.a[0], a.a[1]);
}
