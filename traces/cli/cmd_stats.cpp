// glass trace stats FILE: record counts and hypercall latency percentiles.
#include <cinttypes>
#include <cstdio>

#include "traces/cli/commands.hpp"
#include "traces/names.hpp"
#include "traces/stats.hpp"

namespace glass::trace::cli {

namespace {

void latency_row(std::ostream& out, const std::string& name, const Latency& l) {
    char line[160];
    std::snprintf(line, sizeof line,
                  "  %-24s %10" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %10" PRIu64
                  " %10.0f\n",
                  name.c_str(), l.count, l.p50, l.p90, l.p99, l.max, l.mean);
    out << line;
}

void latency_head(std::ostream& out, const char* what) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-24s %10s %9s %9s %9s %10s %10s\n", what, "calls",
                  "p50 ns", "p90 ns", "p99 ns", "max ns", "mean ns");
    out << line;
}

int stats(const Args& args, std::ostream& out, std::ostream& err) {
    const std::string& path = args.positional(0);
    auto reader = open_trace(path, err);
    if (!reader) return kExitDamaged;
    StatsBuilder builder;
    Cursor cursor(*reader);
    while (const RecordHeader* r = cursor.next())
        builder.add(*r);
    TraceStats s = builder.finish();

    out << "records: " << s.records << " over " << (s.last_ns - s.first_ns) / 1e6 << " ms\n";
    out << "lost (LostRecords): " << s.lost << ", exits without entry: " << s.unmatched_exits
        << ", calls still open at the end: " << s.open_entries << "\n\nby type:\n";
    for (auto [type, n] : s.per_type) {
        char line[96];
        std::snprintf(line, sizeof line, "  %-24s %10" PRIu64 "\n", record_type_name(type).c_str(),
                      n);
        out << line;
    }
    out << "\nhypercall latency by hypercall:\n";
    latency_head(out, "hypercall");
    for (const auto& [nr, l] : s.per_hypercall)
        latency_row(out, hypercall_name(nr), l);
    out << "\nhypercall latency by domain:\n";
    latency_head(out, "domain");
    for (const auto& [dom, l] : s.per_domain)
        latency_row(out, "d" + std::to_string(dom), l);
    return report_damage(path, cursor.status(), s.records, err);
}

} // namespace

const Command kStats = {{"stats", {"FILE"}, {}, "counts and hypercall latency percentiles"}, stats};

} // namespace glass::trace::cli
