// The Trace table's rows: one page of the filtered records at a time, each
// as the strings the table shows, read through the RecordStore only for the
// rows on screen. TablePager keeps the first visible row and follows the
// selection, so a click on the timeline scrolls the table to the record.
#pragma once

#include <string>
#include <vector>

#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/record_store.hpp"
#include "gui/trace_view/trace_model.hpp"

namespace glass::tv {

struct TableRow {
    u32 record = 0;
    std::string time, cpu, domain, vcpu, type, call, result, summary;
    bool failed = false;
};

// Rows first .. first+count of the filtered trace (fewer at the end).
std::vector<TableRow> table_page(const TraceModel& m, const FilteredTrace& f, RecordStore* store,
                                 u64 first, u64 count);

struct TablePager {
    u64 first = 0;   // first visible row (position in the filtered rows)
    u64 visible = 1; // rows that fit

    void set_visible(u64 rows, u64 total);
    void scroll(std::int64_t rows, u64 total);
    // Scrolls just enough for row `pos` to be visible.
    void reveal(u64 pos, u64 total);
    void clamp(u64 total);
};

} // namespace glass::tv
