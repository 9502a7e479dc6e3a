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

namespace {

PageTablePlan plan_range(u64 l4_pfn, u64 first_pfn, u64 start, u64 end) {
    PageTablePlan plan;
    plan.first_pfn[4] = l4_pfn;
    plan.count[4] = 1;
    u64 next = first_pfn;
    for (unsigned level = 3; level >= 1; level--) {
        plan.count[level] = page_tables_at_level(start, end, level);
        plan.first_pfn[level] = next;
        next += plan.count[level];
        u64 mask = (u64{1} << pt_entry_shift(level + 1)) - 1;
        plan.base_va[level] = start & ~mask;
    }
    return plan;
}

} // namespace

PageTablePlan plan_page_tables(const BuildLayout& layout) {
    // The L4 covers the whole address space (its base is 0); L3, L2, L1
    // follow it in the page-table area.
    return plan_range(layout.first_pt_pfn(), layout.first_pt_pfn() + 1, layout.v_start,
                      layout.v_end);
}

PageTablePlan plan_p2m_tables(const BuildLayout& layout) {
    if (!layout.p2m_outside) {
        PageTablePlan none;
        none.first_pfn[4] = layout.first_pt_pfn();
        return none;
    }
    return plan_range(layout.first_pt_pfn(), layout.p2m_first_pfn, layout.p2m_start,
                      layout.p2m_end);
}
