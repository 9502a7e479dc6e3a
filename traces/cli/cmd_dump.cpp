// glass trace dump FILE: records as text, one per line, filtered.
#include <cinttypes>
#include <cstdio>

#include "traces/cli/commands.hpp"
#include "traces/names.hpp"

namespace glass::trace::cli {

namespace {

void print(std::ostream& out, std::uint64_t index, const RecordHeader& r, bool snapshot) {
    char head[96];
    std::snprintf(head, sizeof head, "%s%-9" PRIu64 " %14.3f us cpu%-2u d%-5u v%-3u %-18s ",
                  snapshot ? "s" : "#", index, double(r.time_ns) / 1000.0, r.cpu, r.domain, r.vcpu,
                  record_type_name(r.type).c_str());
    out << head << describe_payload(r) << "\n";
}

int dump(const Args& args, std::ostream& out, std::ostream& err) {
    std::string error;
    std::uint64_t domain = ~0ull, from = 0, count = ~0ull;
    if (!args.number("--domain", 0, 0xFFFF, domain, error) ||
        !args.number("--from", 0, ~0ull, from, error) ||
        !args.number("--count", 0, ~0ull, count, error)) {
        err << error << "\n";
        return kExitUsage;
    }
    std::optional<std::uint16_t> type;
    if (args.has("--type")) {
        type = parse_record_type(args.value("--type"));
        if (!type) {
            err << "glass trace dump: --type expects a record type number or one of "
                << record_type_names() << "; got '" << args.value("--type") << "'\n";
            return kExitUsage;
        }
    }
    const std::string& path = args.positional(0);
    auto reader = open_trace(path, err);
    if (!reader) return kExitDamaged;
    const bool snapshot = args.has("--snapshot");
    const std::uint64_t total = snapshot ? reader->snapshot_record_count() : reader->record_count();
    if (from > total) {
        err << "glass trace dump: --from " << from << " is past the last record (the trace has "
            << total << ")\n";
        return kExitUsage;
    }
    Cursor cursor = snapshot ? Cursor::snapshot(*reader) : Cursor(*reader, from);
    std::uint64_t shown = 0, read = 0;
    // --count counts records shown, after the filters.
    while (shown < count) {
        const RecordHeader* r = cursor.next();
        if (!r) break;
        read++;
        if (snapshot && cursor.index() < from) continue;
        if (domain != ~0ull && r->domain != domain) continue;
        if (type && r->type != *type) continue;
        print(out, cursor.index(), *r, snapshot);
        shown++;
    }
    return report_damage(path, cursor.status(), from + read, err);
}

} // namespace

const Command kDump = {{"dump",
                        {"FILE"},
                        {{"--domain", "N", "only records about domain N"},
                         {"--type", "T", "only records of type T (name or number)"},
                         {"--from", "I", "start at record index I"},
                         {"--count", "N", "print at most N records"},
                         {"--snapshot", "", "dump the initial-state snapshot instead"}},
                        "records as text, one per line"},
                       dump};

} // namespace glass::trace::cli
