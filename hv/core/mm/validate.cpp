// Whole-frame validation and devalidation, and the reference each present
// entry holds on what it names (§4.1, §4.2).
#include "hv/core/mm/descriptor.hpp"
#include "hv/core/mm/entry_rules.hpp"
#include "hv/core/mm/page_types.hpp"

#include "hv/abi/layout.hpp"

#include <limits>

namespace mm {

namespace {

// Entries of an L4 that belong to the guest; the rest are the hypervisor's.
bool guest_slot(unsigned level, unsigned index) {
    return level != 4 || xen::is_guest_l4_slot(index);
}

void install_hypervisor_l4_slots(u64* l4, const DomainMm& d) {
    for (unsigned i = 0; i < kHypervisorL4Slots; i++)
        pte_write(&l4[xen::kFirstHypervisorL4Slot + i], d.hypervisor_l4 ? d.hypervisor_l4[i] : 0);
}

} // namespace

Status PageTypes::validate_frame(u64 mfn, FrameType type, const DomainMm& d) {
    if (validate_hook_) validate_hook_(validate_ctx_, mfn, type);
    u64* t = mem_.frame(mfn);
    if (type == FrameType::SegDesc) {
        // Descriptors hold no references, so a failure needs no rollback;
        // like Xen, adjustments already made to earlier slots stay.
        for (unsigned i = 0; i < kDescriptorsPerFrame; i++) {
            u64 desc = pte_read(&t[i]);
            if (!check_descriptor(&desc)) return XEN_EINVAL;
            pte_write(&t[i], desc);
        }
        return {};
    }
    unsigned level = level_of(type);
    for (unsigned i = 0; i < kEntriesPerTable; i++) {
        if (!guest_slot(level, i)) continue;
        Result<u64> e = get_entry_ref(level, pte_read(&t[i]), mfn, d, d.id);
        if (!e) {
            for (unsigned j = 0; j < i; j++)
                if (guest_slot(level, j)) put_entry_ref(level, pte_read(&t[j]), mfn);
            return e.error();
        }
        pte_write(&t[i], *e);
    }
    if (level == 4) install_hypervisor_l4_slots(t, d);
    return {};
}

void PageTypes::devalidate_frame(u64 mfn, FrameType type) {
    if (!is_page_table_type(type)) return;
    unsigned level = level_of(type);
    const u64* t = mem_.frame(mfn);
    for (unsigned i = 0; i < kEntriesPerTable; i++)
        if (guest_slot(level, i)) put_entry_ref(level, pte_read(&t[i]), mfn);
}

Result<u64> PageTypes::get_entry_ref(unsigned level, u64 e, u64 table_mfn, const DomainMm& d,
                                     u16 pg_owner) {
    if (!pte_present(e)) return e;
    if (XenErrno err = check_entry_flags(level, e, d)) return err;
    if (level == 1) return get_l1_ref(e, d, pg_owner);
    return get_upper_ref(level, e, table_mfn, d);
}

void PageTypes::put_entry_ref(unsigned level, u64 e, u64 table_mfn) {
    if (!pte_present(e)) return;
    if (level == 1)
        put_l1_ref(e);
    else
        put_upper_ref(level, e, table_mfn);
}

Result<u64> PageTypes::get_l1_ref(u64 e, const DomainMm& d, u16 pg_owner) {
    u64 mfn = pte_mfn(e);
    if (mfn == kInvalidMfnField) return XEN_EINVAL;
    if (!frames_.is_ram(mfn)) {
        // MMIO, or address bits beyond the machine: only for domains with
        // I/O-memory rights, and only below their physical address width.
        u64 limit = 1ull << (d.paddr_bits - kPageShift);
        if (!d.io_mem_allowed || mfn >= limit) return XEN_EPERM;
        return adjust_entry(1, e);
    }
    const FrameInfo& f = frames_[mfn];
    // A hypervisor page shared with a domain is mappable by that domain
    // only, never through a foreign mapping: it is freed with its domain
    // without waiting for other domains' references.
    bool shared = pg_owner == d.id && frames_.shared_with(mfn, d.id);
    if (f.owner != pg_owner && !shared) return XEN_EBUSY;
    // Hypervisor pages are mapped write-back by the hypervisor itself;
    // an alias with other attributes would be undefined behaviour.
    if (shared && (e & kL1CacheBits)) return XEN_EACCES;
    if (!get_page(mfn, pg_owner)) return XEN_EBUSY;
    if ((e & PTE_RW) && !get_page_type(mfn, FrameType::Writable, d)) {
        // A page table or descriptor page: never writable by the guest.
        put_page(mfn);
        return XEN_EBUSY;
    }
    return adjust_entry(1, e);
}

void PageTypes::put_l1_ref(u64 e) {
    u64 mfn = pte_mfn(e);
    if (!frames_.is_ram(mfn)) return; // MMIO mappings hold no reference
    if (e & PTE_RW) put_page_type(mfn);
    put_page(mfn);
}

Result<u64> PageTypes::get_upper_ref(unsigned level, u64 e, u64 table_mfn, const DomainMm& d) {
    u64 mfn = pte_mfn(e);
    if (!frames_.is_ram(mfn)) return XEN_EINVAL;
    Status s = get_page_and_type(mfn, table_type(level - 1), d);
    if (!s) {
        // A type conflict may still be a legitimate linear entry.
        if (s.error() != XEN_EINVAL) return s.error();
        TRY(get_linear_ref(level, e, table_mfn, d));
    }
    return adjust_entry(level, e);
}

// A linear (recursive) entry names a table of its own level, letting the
// guest read its page tables through the paging hardware. Allowed only
// read-only: a writable one would let the guest edit a validated table
// directly (xsa-182). The target must already be validated and carry no
// linear entries itself, and the containing table must not itself be a
// linear target; that bounds how far a linear walk can reach.
Status PageTypes::get_linear_ref(unsigned level, u64 e, u64 table_mfn, const DomainMm& d) {
    if (e & PTE_RW) return XEN_EINVAL;
    u64 mfn = pte_mfn(e);
    // Self-reference holds no reference: a table keeping itself alive would
    // never be devalidated.
    if (mfn == table_mfn) return {};
    if (!owned_ram(mfn, d.id)) return XEN_EINVAL;
    FrameInfo& table = frames_[table_mfn];
    FrameInfo& target = frames_[mfn];
    if (target.type != table_type(level) || target.type_count == 0 ||
        !(target.flags & kFrameValidated))
        return XEN_EINVAL;
    if (table.linear_count < 0 || table.linear_count == std::numeric_limits<i16>::max())
        return XEN_EINVAL;
    if (target.linear_count > 0 || target.linear_count == std::numeric_limits<i16>::min())
        return XEN_EINVAL;
    if (target.type_count == std::numeric_limits<u32>::max()) return XEN_EINVAL;
    TRY(get_page(mfn, d.id));
    table.linear_count++;
    target.linear_count--;
    target.type_count++;
    return {};
}

void PageTypes::put_upper_ref(unsigned level, u64 e, u64 table_mfn) {
    u64 mfn = pte_mfn(e);
    if (mfn == table_mfn) return; // self-reference: nothing held
    FrameInfo& target = frames_[mfn];
    if (target.type == table_type(level)) {
        frames_[table_mfn].linear_count--;
        target.linear_count++;
    }
    put_page_and_type(mfn);
}

} // namespace mm
