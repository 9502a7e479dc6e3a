// glass trace export --perfetto FILE OUT.json
#include <fstream>

#include "traces/cli/commands.hpp"
#include "traces/perfetto.hpp"

namespace glass::trace::cli {

namespace {

int export_trace(const Args& args, std::ostream& out, std::ostream& err) {
    if (!args.has("--perfetto")) {
        err << "glass trace export: expected a format option; the only one is --perfetto "
               "(Chrome trace-event JSON)\n";
        return kExitUsage;
    }
    const std::string& path = args.positional(0);
    const std::string& json = args.positional(1);
    auto reader = open_trace(path, err);
    if (!reader) return kExitDamaged;
    std::ofstream file(json, std::ios::binary | std::ios::trunc);
    if (!file) {
        err << "glass trace export: cannot create " << json << "\n";
        return kExitDamaged;
    }
    PerfettoExporter exporter(file);
    Cursor cursor(*reader);
    std::uint64_t n = 0;
    while (const RecordHeader* r = cursor.next()) {
        exporter.add(*r);
        n++;
    }
    exporter.finish();
    file.close();
    if (!file) {
        err << "glass trace export: writing " << json << " failed\n";
        return kExitDamaged;
    }
    out << "wrote " << json << ": " << exporter.events() << " events from " << n << " records\n";
    return report_damage(path, cursor.status(), n, err);
}

} // namespace

const Command kExport = {
    {"export",
     {"FILE", "OUT.json"},
     {{"--perfetto", "", "Chrome trace-event JSON (Perfetto, chrome://tracing)"}},
     "convert a trace for other viewers"},
    export_trace};

} // namespace glass::trace::cli
