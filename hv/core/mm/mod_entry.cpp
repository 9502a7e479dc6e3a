// Guest updates of single entries: mmu_update, update_va_mapping and
// update_descriptor (§3.4.7, §4.2, §4.4).
#include "hv/core/mm/descriptor.hpp"
#include "hv/core/mm/entry_rules.hpp"
#include "hv/core/mm/page_types.hpp"

#include "hv/abi/layout.hpp"

namespace mm {

Status PageTypes::mod_entry(unsigned level, u64 table_mfn, unsigned index, u64 val,
                            const DomainMm& d, bool preserve_ad, u16 pg_owner) {
    if (index >= kEntriesPerTable || !owned_ram(table_mfn, d.id)) return XEN_EINVAL;
    if (frames_.active_type(table_mfn) != table_type(level) ||
        !(frames_[table_mfn].flags & kFrameValidated))
        return XEN_EINVAL;
    if (level == 4 && !xen::is_guest_l4_slot(index)) return XEN_EINVAL;
    // Only leaf entries may name another domain's frames (§4.4).
    if (level != 1 && pg_owner != d.id) return XEN_EINVAL;

    u64* slot = mem_.frame(table_mfn) + index;
    u64 old_e = pte_read(slot);
    u64 new_e = val;
    if (pte_present(new_e)) {
        if (XenErrno err = check_entry_flags(level, new_e, d)) return err;
        // Same frame, only bits that cannot widen access: no revalidation,
        // and the references held by the old entry carry over.
        if (pte_present(old_e) && !pte_changed(old_e, new_e, kFastPathBits)) {
            (void)pte_replace(slot, adjust_entry(level, new_e), preserve_ad);
            if (level >= 2) flush_needed_ = true;
            return {};
        }
        Result<u64> checked = get_entry_ref(level, new_e, table_mfn, d, pg_owner);
        if (!checked) return checked.error();
        new_e = *checked;
    }
    // New reference first, old released after: an entry rewritten with the
    // same frame never drops that frame's count to zero in between.
    u64 replaced = pte_replace(slot, new_e, preserve_ad);
    put_entry_ref(level, replaced, table_mfn);
    if (level >= 2) flush_needed_ = true;
    return {};
}

Status PageTypes::mod_l1_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                               bool preserve_ad) {
    return mod_entry(1, table_mfn, index, val, d, preserve_ad, d.id);
}

Status PageTypes::mod_l1_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                               bool preserve_ad, u16 pg_owner) {
    return mod_entry(1, table_mfn, index, val, d, preserve_ad, pg_owner);
}

Status PageTypes::mod_l2_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                               bool preserve_ad) {
    return mod_entry(2, table_mfn, index, val, d, preserve_ad, d.id);
}

Status PageTypes::mod_l3_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                               bool preserve_ad) {
    return mod_entry(3, table_mfn, index, val, d, preserve_ad, d.id);
}

Status PageTypes::mod_l4_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                               bool preserve_ad) {
    return mod_entry(4, table_mfn, index, val, d, preserve_ad, d.id);
}

Status PageTypes::update_pt_entry(u64 maddr, u64 val, const DomainMm& d, bool preserve_ad) {
    return update_pt_entry(maddr, val, d, preserve_ad, d.id);
}

Status PageTypes::update_pt_entry(u64 maddr, u64 val, const DomainMm& d, bool preserve_ad,
                                  u16 pg_owner) {
    u64 mfn = maddr >> kPageShift;
    unsigned index = static_cast<unsigned>((maddr & (kPageSize - 1)) / sizeof(u64));
    if (!owned_ram(mfn, d.id)) return XEN_EINVAL;
    FrameType type = frames_.active_type(mfn);
    if (is_page_table_type(type))
        return mod_entry(level_of(type), mfn, index, val, d, preserve_ad, pg_owner);
    // Descriptor pages change only through update_descriptor, which checks.
    if (type == FrameType::SegDesc) return XEN_EINVAL;
    // Anything else is plain memory: the store happens under a writable
    // type reference so the frame cannot become a table meanwhile.
    if (!get_page_and_type(mfn, FrameType::Writable, d)) return XEN_EINVAL;
    (void)pte_replace(mem_.frame(mfn) + index, val, preserve_ad);
    put_page_and_type(mfn);
    return {};
}

Status PageTypes::update_descriptor(u64 maddr, u64 desc, const DomainMm& d) {
    if (maddr & (sizeof(u64) - 1)) return XEN_EINVAL;
    if (!check_descriptor(&desc)) return XEN_EINVAL;
    u64 mfn = maddr >> kPageShift;
    if (!owned_ram(mfn, d.id)) return XEN_EINVAL;
    // A live descriptor page keeps its type (the new descriptor is checked);
    // anything else must be able to become writable, i.e. not a table.
    FrameType type =
        frames_.active_type(mfn) == FrameType::SegDesc ? FrameType::SegDesc : FrameType::Writable;
    if (!get_page_and_type(mfn, type, d)) return XEN_EINVAL;
    pte_write(mem_.frame(mfn) + (maddr & (kPageSize - 1)) / sizeof(u64), desc);
    put_page_and_type(mfn);
    return {};
}

} // namespace mm
