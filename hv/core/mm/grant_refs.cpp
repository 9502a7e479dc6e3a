// Reference accounting of grant mappings (docs/pv-abi.md §3.4.13, §4.1).
// The grant code, not the PTE, owns the references of a grant mapping: the
// host part and the device part each hold a general reference and, unless
// read-only, a writable type reference, and each unmap drops exactly the
// part it removes (xsa-224). A grant PTE that the guest overwrites through
// an ordinary update releases like any L1 entry; the later unmap then finds
// the PTE changed, fails, and drops nothing, so the counts stay exact.
#include "hv/core/mm/page_types.hpp"

namespace mm {

Status PageTypes::get_grant_ref(u64 mfn, u16 granter, bool writable) {
    // Only the granter's own RAM: a hypervisor frame shared with it (its
    // grant table, shared_info) is not its to grant.
    if (!owned_ram(mfn, granter)) return XEN_EINVAL;
    TRY(get_page(mfn, granter));
    if (writable) {
        DomainMm owner;
        owner.id = granter;
        Status s = get_page_type(mfn, FrameType::Writable, owner);
        if (!s) {
            put_page(mfn); // a page table or descriptor page
            return s;
        }
    }
    return {};
}

void PageTypes::put_grant_ref(u64 mfn, bool writable) {
    if (writable) put_page_type(mfn);
    put_page(mfn);
}

Result<u64*> PageTypes::l1_slot(u64 table_mfn, unsigned index, const DomainMm& d) {
    if (index >= kEntriesPerTable || !owned_ram(table_mfn, d.id)) return XEN_EINVAL;
    // A frame that is not (or no longer) an L1 must never receive a PTE:
    // its contents mean something else (xsa-227).
    if (frames_.active_type(table_mfn) != FrameType::L1 ||
        !(frames_[table_mfn].flags & kFrameValidated))
        return XEN_EINVAL;
    return mem_.frame(table_mfn) + index;
}

Status PageTypes::install_grant_pte(u64 table_mfn, unsigned index, u64 pte, const DomainMm& d) {
    auto slot = l1_slot(table_mfn, index, d);
    if (!slot) return slot.error();
    u64 old = pte_replace(*slot, pte, false);
    put_entry_ref(1, old, table_mfn);
    return {};
}

Result<u64> PageTypes::steal_l1_entry(u64 table_mfn, unsigned index, const DomainMm& d) {
    auto slot = l1_slot(table_mfn, index, d);
    if (!slot) return slot.error();
    return pte_replace(*slot, 0, false);
}

Status PageTypes::replace_grant_pte(u64 table_mfn, unsigned index, u64 mfn, bool writable,
                                    u64 new_e, const DomainMm& d) {
    auto slot = l1_slot(table_mfn, index, d);
    if (!slot) return slot.error();
    u64 expect = PTE_P | (writable ? PTE_RW : 0);
    u64 old = pte_read(*slot);
    if (pte_mfn(old) != mfn || ((old ^ expect) & (PTE_P | PTE_RW))) return XEN_EINVAL;
    // Compare-exchange: the hardware may set A/D meanwhile; anything else
    // changing the entry under us means it is no longer the grant PTE.
    for (;;) {
        if (__atomic_compare_exchange_n(*slot, &old, new_e, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return {};
        if (pte_mfn(old) != mfn || ((old ^ expect) & (PTE_P | PTE_RW))) return XEN_EINVAL;
    }
}

} // namespace mm
