// Frame typing and page-table validation for PV guests (docs/pv-abi.md
// §4.1-§4.6, the scheme of the Xen paper): guests build and edit their own
// hardware page tables; the hypervisor keeps them safe without shadow
// tables by giving every frame a type and validating every entry that can
// reach the hardware. Invariants kept here:
//  * a frame typed L1..L4 or SegDesc has no writable mapping anywhere;
//  * every present entry of a validated table holds exactly one reference
//    on what it names, released exactly once when the entry goes away;
//  * the hypervisor's L4 slots 256..271 are never guest-controlled.
//
// Concurrency contract: this class has no locks of its own. The caller
// serialises every call for a domain (and every call touching frames that
// domain owns) under one per-domain MMU lock. Entries are written with
// atomic stores so a CPU walking the tables never sees a torn entry, and
// PRESERVE_AD updates use compare-exchange so A/D bits the hardware sets
// concurrently are not lost. (Later SMP work may move the counts to
// cmpxchg on the type word, as Xen does.)
//
// Nothing here allocates; recursion is bounded by the four paging levels.
#pragma once

#include "hv/core/mm/domain_mm.hpp"
#include "hv/core/mm/frame_table.hpp"
#include "hv/core/mm/phys_mem.hpp"
#include "hv/lib/result.hpp"

namespace mm {

constexpr bool is_page_table_type(FrameType t) {
    return t == FrameType::L1 || t == FrameType::L2 || t == FrameType::L3 || t == FrameType::L4;
}
// Types whose content is checked when taken (and released when dropped).
constexpr bool is_validated_type(FrameType t) {
    return is_page_table_type(t) || t == FrameType::SegDesc;
}
constexpr unsigned level_of(FrameType t) {
    return static_cast<unsigned>(t);
}
constexpr FrameType table_type(unsigned level) {
    return static_cast<FrameType>(level);
}

// FrameInfo::flags bit: the domain gave the frame back (decrease_reservation)
// while something still referenced it. It takes no new references and is
// freed, through the release hook, when its last reference goes (Xen clears
// PGC_allocated and frees on the last put_page).
constexpr u8 kFrameRemoved = 1u << 3;

// Called when a frame's effective type changes: None -> a type when its
// first type reference is taken, the type -> None when the last one goes.
// The hypervisor's recorder sets it (PageTypeChange records); null
// elsewhere, so replay and tests pay one load.
using TypeChangeHook = void (*)(u64 mfn, FrameType old_type, FrameType new_type, u32 type_count);
extern TypeChangeHook g_type_change_hook;

// Called when a removed frame's last reference goes: the frame is already
// free in the frame table; the hook returns it to the allocator and
// uncharges `former_owner`.
using FrameReleaseHook = void (*)(void* ctx, u64 mfn, u16 former_owner);

// Called just before a frame's contents are read to validate it as `type`
// (L1..L4, SegDesc): the one point where the typing core reads memory the
// guest wrote directly rather than through a hypercall. A trace recorder
// records the contents here; the replay engine supplies recorded contents.
using FrameValidateHook = void (*)(void* ctx, u64 mfn, FrameType type);

class PageTypes {
  public:
    PageTypes(FrameTable& frames, PhysMem mem) : frames_(frames), mem_(mem) {}

    FrameTable& frames() { return frames_; }
    const FrameTable& frames() const { return frames_; }
    const PhysMem& mem() const { return mem_; }

    // --- General references: the frame may not be freed or reassigned. ---
    // Succeeds for RAM owned by `dom` or hypervisor frames shared with it.
    [[nodiscard]] Status get_page(u64 mfn, u16 dom);
    void put_page(u64 mfn);

    // --- Type references (the caller already holds a general reference). ---
    // Taking the first reference of a type changes the frame's type, which
    // is only possible while its type count is 0; L1..L4 and SegDesc are
    // then validated. A conflicting type gives XEN_EINVAL; a validation
    // failure gives the failing entry's error.
    [[nodiscard]] Status get_page_type(u64 mfn, FrameType type, const DomainMm& d);
    // Dropping the last reference of a table releases what its entries hold.
    void put_page_type(u64 mfn);
    [[nodiscard]] Status get_page_and_type(u64 mfn, FrameType type, const DomainMm& d);
    void put_page_and_type(u64 mfn);

    // --- MMUEXT_PIN_Lx_TABLE / UNPIN_TABLE (§4.5). Every failure is
    // XEN_EINVAL, including "still mapped writable" (xsa-224, xsa-234). ---
    [[nodiscard]] Status pin(u64 mfn, FrameType level, const DomainMm& d);
    [[nodiscard]] Status unpin(u64 mfn, const DomainMm& d);
    // Domain teardown: drops every pin the domain holds.
    void unpin_all(const DomainMm& d);

    // --- NEW_BASEPTR / NEW_USER_BASEPTR: the L4 loaded into CR3 holds a
    // general and an L4 type reference while it is a base pointer. ---
    [[nodiscard]] Status get_base_pointer(u64 mfn, const DomainMm& d);
    void put_base_pointer(u64 mfn) { put_page_and_type(mfn); }

    // --- Entry updates (§4.2). `table_mfn` must be a validated table of the
    // named level owned by d. Validates the new entry, writes it (with the
    // guest-visible adjustments), then releases the old one. ---
    [[nodiscard]] Status mod_l1_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                                      bool preserve_ad = false);
    // Foreign mapping (§4.4 FD): the frame an L1 entry names must belong to
    // `pg_owner` instead of d, and its references are taken on that
    // domain's frame. Whether d may map pg_owner's memory at all (only the
    // privileged domain may) is the caller's check.
    [[nodiscard]] Status mod_l1_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                                      bool preserve_ad, u16 pg_owner);
    [[nodiscard]] Status mod_l2_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                                      bool preserve_ad = false);
    [[nodiscard]] Status mod_l3_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                                      bool preserve_ad = false);
    // Slots 256..271 are the hypervisor's: XEN_EINVAL.
    [[nodiscard]] Status mod_l4_entry(u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                                      bool preserve_ad = false);

    // MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_PRESERVE_AD on the entry at
    // machine address `maddr` (command bits already stripped), dispatched on
    // the containing frame's type (§4.4).
    [[nodiscard]] Status update_pt_entry(u64 maddr, u64 val, const DomainMm& d, bool preserve_ad);
    // The same with a foreign frame owner: an L1 entry may then name
    // pg_owner's frames; an L2..L4 entry with pg_owner != d.id is
    // XEN_EINVAL (tables never link another domain's tables).
    [[nodiscard]] Status update_pt_entry(u64 maddr, u64 val, const DomainMm& d, bool preserve_ad,
                                         u16 pg_owner);

    // --- Descriptor pages (§3.4.3, §3.4.7). ---
    // set_gdt: a general and a SegDesc type reference; every failure XEN_EINVAL.
    [[nodiscard]] Status get_seg_desc_frame(u64 mfn, const DomainMm& d);
    void put_seg_desc_frame(u64 mfn) { put_page_and_type(mfn); }
    [[nodiscard]] Status update_descriptor(u64 maddr, u64 desc, const DomainMm& d);

    // --- Ballooning (memory_op, docs/pv-abi.md §3.4.8). ---
    void set_release_hook(FrameReleaseHook hook, void* ctx) {
        release_hook_ = hook;
        release_ctx_ = ctx;
    }
    void set_validate_hook(FrameValidateHook hook, void* ctx) {
        validate_hook_ = hook;
        validate_ctx_ = ctx;
    }
    // Xen's guest_remove_page: unpins the frame and gives up the domain's
    // ownership. Freed (and the hook called) at once when nothing
    // references it (true), else marked kFrameRemoved and freed by the last
    // put_page (false).
    // Not RAM: XEN_EINVAL; not the domain's (or already removed): XEN_ENXIO.
    [[nodiscard]] Result<bool> remove_page(u64 mfn, u16 dom);
    // XENMEM_exchange input: takes an unreferenced, unpinned frame away from
    // dom (it becomes free in the frame table; the caller owns it now).
    // Anything still mapped or typed: XEN_EINVAL.
    [[nodiscard]] Status steal_page(u64 mfn, u16 dom);

    // --- Grant mappings (§3.4.13, grant_refs.cpp). Each part of a grant
    // mapping (host, device) holds its own general reference on the granted
    // frame and, unless read-only, its own writable type reference; the
    // grant PTE is written without taking references of its own. ---
    [[nodiscard]] Status get_grant_ref(u64 mfn, u16 granter, bool writable);
    void put_grant_ref(u64 mfn, bool writable);
    // Entry `index` of `table_mfn`, which must be a validated L1 owned by d
    // (else XEN_EINVAL). install writes a grant PTE and releases what the
    // entry held before. steal zeroes the entry and hands its value back
    // together with its references. replace writes `new_e` (whose
    // references the caller holds) where the grant PTE for `mfn` is, but
    // only if the entry still maps mfn with the grant's P and RW bits: else
    // XEN_EINVAL and nothing changes (xsa-234).
    [[nodiscard]] Status install_grant_pte(u64 table_mfn, unsigned index, u64 pte,
                                           const DomainMm& d);
    [[nodiscard]] Result<u64> steal_l1_entry(u64 table_mfn, unsigned index, const DomainMm& d);
    [[nodiscard]] Status replace_grant_pte(u64 table_mfn, unsigned index, u64 mfn, bool writable,
                                           u64 new_e, const DomainMm& d);
    // Releases what an L1 entry taken by steal_l1_entry held.
    void put_l1_entry(u64 e) { put_entry_ref(1, e, 0); }

    // True (once) if an operation since the last call requires flushing the
    // TLBs of every CPU that ran the domain before returning to the guest:
    // an L2..L4 entry changed, a frame changed type, or a table was
    // devalidated (its children may be freed while TLBs still cache them).
    [[nodiscard]] bool take_flush_request() {
        bool f = flush_needed_;
        flush_needed_ = false;
        return f;
    }

  private:
    Status validate_frame(u64 mfn, FrameType type, const DomainMm& d);
    void devalidate_frame(u64 mfn, FrameType type);
    Result<u64*> l1_slot(u64 table_mfn, unsigned index, const DomainMm& d);
    Status mod_entry(unsigned level, u64 table_mfn, unsigned index, u64 val, const DomainMm& d,
                     bool preserve_ad, u16 pg_owner);

    // Take / release what one present entry of a `level` table holds.
    // get_entry_ref returns the entry with the guest-visible adjustments.
    // pg_owner: whose RAM an L1 entry may name (d.id but for foreign maps).
    Result<u64> get_entry_ref(unsigned level, u64 e, u64 table_mfn, const DomainMm& d,
                              u16 pg_owner);
    void put_entry_ref(unsigned level, u64 e, u64 table_mfn);
    Result<u64> get_l1_ref(u64 e, const DomainMm& d, u16 pg_owner);
    void put_l1_ref(u64 e);
    Result<u64> get_upper_ref(unsigned level, u64 e, u64 table_mfn, const DomainMm& d);
    Status get_linear_ref(unsigned level, u64 e, u64 table_mfn, const DomainMm& d);
    void put_upper_ref(unsigned level, u64 e, u64 table_mfn);

    bool owned_ram(u64 mfn, u16 dom) const {
        return frames_.is_ram(mfn) && mem_.contains(mfn) && frames_[mfn].owner == dom;
    }

    void release_removed(u64 mfn);

    FrameTable& frames_;
    PhysMem mem_;
    bool flush_needed_ = false;
    FrameReleaseHook release_hook_ = nullptr;
    void* release_ctx_ = nullptr;
    FrameValidateHook validate_hook_ = nullptr;
    void* validate_ctx_ = nullptr;
};

} // namespace mm
