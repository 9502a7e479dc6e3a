// libFuzzer target: any bytes given to the reader must produce records or a
// precise error, never a crash, a hang or an unbounded allocation. Exercises
// open (index and scan paths), verify, sequential and random access, the
// snapshot, and the analyses that consume records.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "traces/names.hpp"
#include "traces/perfetto.hpp"
#include "traces/reader.hpp"
#include "traces/stats.hpp"

using namespace glass::trace;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Reader reader(std::make_unique<MemorySource>(data, size));
    if (!reader.open()) return 0;
    (void)reader.verify();
    StatsBuilder stats;
    std::ostringstream json;
    PerfettoExporter perfetto(json);
    Cursor cursor(reader);
    while (const RecordHeader* r = cursor.next()) {
        stats.add(*r);
        perfetto.add(*r);
        (void)describe_payload(*r);
    }
    (void)stats.finish();
    perfetto.finish();
    if (reader.record_count()) {
        Cursor mid(reader, reader.record_count() / 2);
        (void)mid.next();
        Cursor last(reader, reader.record_count() - 1);
        (void)last.next();
    }
    Cursor snap = Cursor::snapshot(reader);
    while (const RecordHeader* r = snap.next())
        (void)describe_payload(*r);
    return 0;
}
