// glass trace info FILE: what the file is, how it is laid out, and whether
// every chunk checks out.
#include <cinttypes>
#include <cstdio>
#include <ctime>

#include "traces/cli/commands.hpp"

namespace glass::trace::cli {

namespace {

int info(const Args& args, std::ostream& out, std::ostream& err) {
    const std::string& path = args.positional(0);
    auto reader = open_trace(path, err);
    if (!reader) return kExitDamaged;
    const FileHeader& h = reader->header();
    std::uint64_t stored = 0;
    for (const auto* list : {&reader->snapshot_chunks(), &reader->chunks()})
        for (const ChunkInfo& c : *list)
            stored += c.raw_bytes;
    char created[64];
    std::time_t secs = static_cast<std::time_t>(h.created_unix_ns / 1'000'000'000);
    std::strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&secs));

    out << "file:          " << path << " (" << reader->file_size() << " bytes)\n"
        << "format:        " << h.version_major << "." << h.version_minor << "." << h.version_patch
        << ", " << ((h.flags & kFlagCompressed) ? "zstd" : "uncompressed") << ", up to "
        << h.records_per_chunk << " records per chunk\n"
        << "creator:       " << h.creator << ", " << created << "\n"
        << "snapshot:      " << reader->snapshot_record_count() << " records in "
        << reader->snapshot_chunks().size() << " chunks\n"
        << "records:       " << reader->record_count() << " in " << reader->chunks().size()
        << " chunks (" << stored << " bytes uncompressed)\n";
    if (reader->record_count()) {
        char line[96];
        std::snprintf(line, sizeof line, "%.2f (file bytes per event record)",
                      double(reader->file_size()) / double(reader->record_count()));
        out << "size/record:   " << line << "\n";
    }
    out << "checkpoints:   " << reader->checkpoints().size() << "\n"
        << "index:         "
        << (reader->indexed() ? "intact" : "missing or damaged; chunks found by scanning") << "\n";

    // Times come from the first and last records; verify() reads every chunk.
    Cursor first(*reader, 0);
    const RecordHeader* r = first.next();
    std::uint64_t t0 = r ? r->time_ns : 0;
    Cursor last(*reader, reader->record_count() ? reader->record_count() - 1 : 0);
    r = last.next();
    if (r)
        out << "time:          " << t0 << " .. " << r->time_ns << " ns ("
            << (r->time_ns - t0) / 1000000.0 << " ms)\n";
    Status s = reader->verify();
    out << "integrity:     "
        << (s ? (reader->damage() ? "damaged: " + reader->damage()->to_string() : "ok")
              : "damaged: " + s.error().to_string())
        << "\n";
    return s && !reader->damage() ? kExitOk : kExitDamaged;
}

} // namespace

const Command kInfo = {{"info", {"FILE"}, {}, "header, layout and integrity of a trace file"},
                       info};

} // namespace glass::trace::cli
