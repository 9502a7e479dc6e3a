// The page-table hypercalls' decode-check-act logic (docs/pv-abi.md
// §4.4-§4.6): mmu_update, mmuext_op and update_va_mapping, over the typing
// core. What they need from the running system -- guest memory, the
// calling vCPU's base pointers, TLB and cache maintenance, other domains --
// comes through MmuCaller, which the hypervisor implements for a real vCPU
// (hv/hypercall/mmu.cpp) and the replay engine for a recorded one.
//
// Ordering guarantees (what the guest may observe) are documented in
// hv/hypercall/mmu.cpp; the functions here keep them by asking for every
// flush before they return.
#pragma once

#include "hv/core/hypercall/guest_memory.hpp"
#include "hv/core/mm/page_types.hpp"
#include "hv/lib/result.hpp"

namespace hcore {

// The domain whose page tables mmu_update edits (PFD, §4.4).
struct TableOwner {
    const mm::DomainMm* mm = nullptr;
    bool is_caller = true; // the caller's own tables (else flush both)
};

class MmuCaller {
  public:
    virtual GuestMemory& memory() = 0;
    virtual const mm::DomainMm& mm() = 0; // the calling domain
    virtual unsigned nr_vcpus() = 0;
    virtual bool kernel_mode() = 0;
    // The vCPU's kernel (user = false) or user L4 base pointer; 0: none.
    virtual u64& base_pointer(bool user) = 0;
    // Loads CR3 with `mfn` (the vCPU is running in the mode it belongs to).
    virtual void load_cr3(u64 mfn) = 0;
    virtual void flush_tlbs() = 0;       // every TLB entry of the caller's domain
    virtual void flush_va(u64 va) = 0;   // one address of the caller's domain
    virtual void flush_owner_tlbs() = 0; // the table owner's, when not the caller
    virtual void flush_cache() = 0;      // WBINVD
    virtual void set_ldt(u64 base, u32 ents) = 0;
    virtual void m2p_set(u64 mfn, u64 pfn) = 0;
    // FD of mmu_update / update_va_mapping_otherdomain (hv/hypercall/foreign_dom.hpp).
    [[nodiscard]] virtual Result<u16> frame_owner(u16 domid) = 0;
    // PFD + 1 of mmu_update (0: the caller).
    [[nodiscard]] virtual Result<TableOwner> table_owner(u16 pfd_plus_one) = 0;

  protected:
    ~MmuCaller() = default;
};

struct L1Slot {
    u64 table_mfn;
    unsigned index;
};

// The L1 entry mapping `va` in the tables under `l4_mfn`: XEN_EINVAL if an
// upper level is not present or maps a superpage (§4.6).
[[nodiscard]] Result<L1Slot> find_l1_slot(const mm::FrameTable& frames, const mm::PhysMem& mem,
                                          u64 l4_mfn, u64 va);

// Hypercall results as the guest sees them in rax.
i64 mmu_update(mm::PageTypes& types, MmuCaller& c, u64 reqs, u64 count, u64 done_ptr,
               u64 foreigndom);
i64 mmuext_op(mm::PageTypes& types, MmuCaller& c, u64 ops, u64 count, u64 done_ptr, u64 domid);
// update_va_mapping (pg_owner: the caller) and, with the FD resolved,
// update_va_mapping_otherdomain; always on the caller's own current tables.
i64 update_va_mapping(mm::PageTypes& types, MmuCaller& c, u64 va, u64 pte, u64 flags, u16 pg_owner);
i64 update_va_mapping_otherdomain(mm::PageTypes& types, MmuCaller& c, u64 va, u64 pte, u64 flags,
                                  u64 domid);

} // namespace hcore
