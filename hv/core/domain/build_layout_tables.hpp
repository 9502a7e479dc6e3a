// The bootstrap page tables of a pv64 layout (pv-abi §1.6): how many tables
// each level needs, which PFNs hold them, and every entry to write.
//
// Table order chosen here (guests must not rely on it, §1.6): the L4 at
// pt_start, then the L3 tables, then the L2s, then the L1s, each level in
// ascending VA order. All of them lie in [pt_start, pt_end), which is inside
// the initial mapping and is mapped read-only.
#pragma once

#include "hv/core/domain/build_layout.hpp"

// Bits of VA translated below a level-`level` table's entries (12 for L1).
constexpr unsigned pt_entry_shift(unsigned level) {
    return 12 + 9 * (level - 1);
}

// Level-`level` tables (1..3) needed to map [v_start, v_end); 1 for level 4.
u64 page_tables_at_level(u64 v_start, u64 v_end, unsigned level);
// 1 (L4) + #L3 + #L2 + #L1.
u64 page_tables_needed(u64 v_start, u64 v_end);

struct PageTablePlan {
    // Indexed by level 1..4 (index 0 unused).
    u64 first_pfn[5] = {};
    u64 count[5] = {};
    u64 base_va[5] = {}; // VA mapped by entry 0 of the level's first table

    u64 l4_pfn() const { return first_pfn[4]; }
    // PFN of the level-`level` table whose entries cover `va`.
    u64 table_pfn_for(unsigned level, u64 va) const;
};

PageTablePlan plan_page_tables(const BuildLayout& layout);
// The tables mapping an INIT_P2M list (layout.p2m_outside): the bootstrap
// L4 at level 4, levels 3..1 from layout.p2m_first_pfn. Counts are 0 when
// the list is inside the initial mapping.
PageTablePlan plan_p2m_tables(const BuildLayout& layout);

// One entry the builder writes: slot `slot` of the level-`table_level`
// table at PFN `table_pfn` points at `target_pfn` (the next-level table, or
// for L1 entries the mapped page). Only L1 entries of page-table pages are
// read-only; flag bits (0x67 / 0x27 | bit 52) are the builder's business.
struct PtEntry {
    u64 table_pfn;
    unsigned table_level;
    unsigned slot;
    u64 target_pfn;
    bool writable;
};

// The L4, L3 and L2 entries linking a plan's tables, upper levels first.
template <class Fn>
[[nodiscard]] Status for_each_upper_entry(const PageTablePlan& plan, Fn& fn) {
    for (unsigned level = 4; level >= 2; level--) {
        unsigned child = level - 1;
        u64 span = u64{1} << pt_entry_shift(level);
        for (u64 k = 0; k < plan.count[child]; k++) {
            u64 va = plan.base_va[child] + k * span;
            PtEntry e{plan.table_pfn_for(level, va), level,
                      static_cast<unsigned>((va >> pt_entry_shift(level)) & 511),
                      plan.first_pfn[child] + k, true};
            TRY(fn(e));
        }
    }
    return {};
}

// Calls fn(const PtEntry&) -> Status for every entry, upper levels first
// (L4 entries, then L3, L2, L1), then those of an INIT_P2M list (mapped
// writable), stopping at the first failure.
template <class Fn>
[[nodiscard]] Status for_each_pt_entry(const BuildLayout& layout, Fn&& fn) {
    PageTablePlan plan = plan_page_tables(layout);
    TRY(for_each_upper_entry(plan, fn));
    for (u64 pfn = 0; pfn < layout.mapped_pages(); pfn++) {
        u64 va = layout.va_of_pfn(pfn);
        PtEntry e{plan.table_pfn_for(1, va), 1, static_cast<unsigned>((va >> kPageShift) & 511),
                  pfn, !layout.is_pt_pfn(pfn)};
        TRY(fn(e));
    }
    if (!layout.p2m_outside) return {};
    PageTablePlan p2m = plan_p2m_tables(layout);
    TRY(for_each_upper_entry(p2m, fn));
    for (u64 k = 0; k < layout.p2m_nr_data; k++) {
        u64 va = layout.p2m_start + (k << kPageShift);
        PtEntry e{p2m.table_pfn_for(1, va), 1, static_cast<unsigned>((va >> kPageShift) & 511),
                  layout.p2m_data_first_pfn() + k, true};
        TRY(fn(e));
    }
    return {};
}
