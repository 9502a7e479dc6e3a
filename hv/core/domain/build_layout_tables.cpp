#include "hv/core/domain/build_layout_tables.hpp"

u64 page_tables_at_level(u64 v_start, u64 v_end, unsigned level) {
    if (level >= 4) return 1;
    if (v_end <= v_start) return 0;
    // A level-n table maps 2^(shift of its parent's entries) bytes. Counted
    // from v_end - 1 so a range ending at the top of memory cannot overflow.
    unsigned shift = pt_entry_shift(level + 1);
    return ((v_end - 1) >> shift) - (v_start >> shift) + 1;
}

u64 page_tables_needed(u64 v_start, u64 v_end) {
    return 1 + page_tables_at_level(v_start, v_end, 3) + page_tables_at_level(v_start, v_end, 2) +
           page_tables_at_level(v_start, v_end, 1);
}

u64 PageTablePlan::table_pfn_for(unsigned level, u64 va) const {
    if (level >= 4) return first_pfn[4];
    return first_pfn[level] + ((va - base_va[level]) >> pt_entry_shift(level + 1));
}

PageTablePlan plan_page_tables(const BuildLayout& layout) {
    PageTablePlan plan;
    u64 next = layout.first_pt_pfn();
    for (unsigned level = 4; level >= 1; level--) {
        plan.count[level] = page_tables_at_level(layout.v_start, layout.v_end, level);
        plan.first_pfn[level] = next;
        next += plan.count[level];
        // The L4 covers the whole address space (its base is 0).
        u64 mask = level == 4 ? ~u64{0} : (u64{1} << pt_entry_shift(level + 1)) - 1;
        plan.base_va[level] = layout.v_start & ~mask;
    }
    return plan;
}
