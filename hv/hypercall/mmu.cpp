// Page-table hypercalls (docs/pv-abi.md §4.4-§4.6): every change a guest
// makes to its hardware page tables passes the typing core's validation.
// The decode-check-act logic is portable (hv/core/hypercall/mmu_ops), so the
// host replay runs the same code; this file is the vCPU it runs against.
//
// Ordering guarantee (the race the Xen paper warns about): each update is
// written to the page table before the hypercall, or the next entry of a
// batch, continues; TLB flushes requested by the typing core (L2-L4 changes,
// type changes, frames freed by their last reference) and by the guest
// happen before the hypercall returns, and any fault or event is delivered
// only on the way out, after all of it. A guest can therefore never observe
// a half-applied batch. Within a multicall each entry is a full hypercall,
// so a later entry walks the tables (and TLBs) an earlier one left
// (xsa-286). The same holds for the two paths that change entries without
// a hypercall: writable page tables (hv/mm/wpt.cpp) apply the decoded
// store and any flush it needs before the faulting instruction is retired,
// and ballooning (memory_op) flushes before a freed frame can be handed
// out again, so no TLB ever maps a frame another domain owns.
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/core/hypercall/mmu_ops.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/foreign_dom.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/tlb.hpp"

namespace {

class VcpuMmu final : public hcore::MmuCaller {
  public:
    explicit VcpuMmu(Vcpu* v) : v_(v) {}

    hcore::GuestMemory& memory() override { return mem_; }
    const mm::DomainMm& mm() override { return v_->domain->mm; }
    unsigned nr_vcpus() override { return v_->domain->nr_vcpus; }
    bool kernel_mode() override { return v_->kernel_mode; }
    u64& base_pointer(bool user) override { return user ? v_->user_l4_mfn : v_->kernel_l4_mfn; }
    void load_cr3(u64 mfn) override { arch::write_cr3(mfn << kPageShift); }
    void flush_tlbs() override { flush_domain_tlbs(v_->domain); }
    void flush_va(u64 va) override { flush_domain_va(v_->domain, va); }
    void flush_owner_tlbs() override {
        if (owner_ && owner_ != v_->domain) flush_domain_tlbs(owner_);
    }
    void flush_cache() override { asm volatile("wbinvd" ::: "memory"); }
    void set_ldt(u64 base, u32 ents) override {
        v_->ldt_base = base;
        v_->ldt_ents = ents;
    }
    void m2p_set(u64 mfn, u64 pfn) override { ::m2p_set(mfn, pfn); }
    Result<u16> frame_owner(u16 domid) override { return ::frame_owner(v_, domid); }
    Result<hcore::TableOwner> table_owner(u16 pfd_plus_one) override {
        auto d = ::table_owner(v_, pfd_plus_one);
        if (!d.ok()) return d.error();
        owner_ = *d;
        return hcore::TableOwner{&owner_->mm, owner_ == v_->domain};
    }

  private:
    Vcpu* v_;
    Domain* owner_ = nullptr;
    GuestCopy mem_;
};

} // namespace

i64 hc_update_va_mapping(Vcpu* v, const HypercallArgs& a) {
    VcpuMmu c(v);
    return hcore::update_va_mapping(page_types(), c, a.a[0], a.a[1], a.a[2], v->domain->id);
}

i64 hc_update_va_mapping_otherdomain(Vcpu* v, const HypercallArgs& a) {
    VcpuMmu c(v);
    return hcore::update_va_mapping_otherdomain(page_types(), c, a.a[0], a.a[1], a.a[2], a.a[3]);
}

i64 hc_mmu_update(Vcpu* v, const HypercallArgs& a) {
    VcpuMmu c(v);
    return hcore::mmu_update(page_types(), c, a.a[0], a.a[1], a.a[2], a.a[3]);
}

i64 hc_mmuext_op(Vcpu* v, const HypercallArgs& a) {
    VcpuMmu c(v);
    return hcore::mmuext_op(page_types(), c, a.a[0], a.a[1], a.a[2], a.a[3]);
}
