#include "gui/trace_view/trace_table.hpp"

#include <algorithm>

#include "gui/trace_view/record_details.hpp"
#include "traces/names.hpp"

namespace glass::tv {

std::vector<TableRow> table_page(const TraceModel& m, const FilteredTrace& f, RecordStore* store,
                                 u64 first, u64 count) {
    std::vector<TableRow> out;
    const u64 total = f.row_count();
    std::vector<u64> buf;
    std::string err;
    for (u64 k = first; k < total && k < first + count; k++) {
        const u32 rec = f.row_record(k);
        const RecordRow& r = m.row(rec);
        TableRow row;
        row.record = rec;
        row.time = format_time(r.time_ns());
        row.cpu = std::to_string(r.cpu);
        row.domain = r.domain == trace::kDomainHypervisor ? "hv" : std::to_string(r.domain);
        row.vcpu = std::to_string(r.vcpu);
        row.type = trace::record_type_name(r.type);
        row.call = r.call == kNoCall ? "" : m.call_name(r.call);
        if (r.flags & kRowCallDone) {
            row.result = format_result(r.result());
            row.failed = r.result() < 0;
        }
        if (store && store->read(rec, buf, err))
            row.summary = trace::describe_payload(*header_of(buf));
        out.push_back(std::move(row));
    }
    return out;
}

void TablePager::clamp(u64 total) {
    if (total <= visible) {
        first = 0;
    } else {
        first = std::min(first, total - visible);
    }
}

void TablePager::set_visible(u64 rows, u64 total) {
    visible = std::max<u64>(rows, 1);
    clamp(total);
}

void TablePager::scroll(std::int64_t rows, u64 total) {
    const std::int64_t f = std::max<std::int64_t>(0, std::int64_t(first) + rows);
    first = u64(f);
    clamp(total);
}

void TablePager::reveal(u64 pos, u64 total) {
    if (pos < first) first = pos;
    if (pos >= first + visible) first = pos - visible + 1;
    clamp(total);
}

} // namespace glass::tv
