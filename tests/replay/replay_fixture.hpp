// Helpers for the replay tests: host-scenario traces in memory, copies with
// one record changed, and replays over byte buffers.
#pragma once

#include "traces/reader.hpp"
#include "traces/replay/replay.hpp"
#include "traces/replay/scenario.hpp"
#include "traces/writer.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>
#include <memory>
#include <vector>

namespace replay_test {

using namespace glass;
using namespace glass::replay;
using glass::trace::RecordHeader;

inline trace::WriterOptions small_chunks() {
    trace::WriterOptions wo;
    wo.records_per_chunk = 256; // many chunks, so truncation and seeks cross them
    return wo;
}

inline std::vector<u8> scenario_bytes(const ScenarioOptions& so,
                                      trace::WriterOptions wo = small_chunks(),
                                      ScenarioCounts* counts = nullptr) {
    auto sink = std::make_unique<trace::MemorySink>();
    trace::MemorySink* mem = sink.get();
    trace::Writer w(std::move(sink), wo);
    trace::Status s = write_scenario(w, so, counts);
    REQUIRE(s.ok());
    return mem->bytes();
}

// The trace's records rewritten through a Writer, `edit` called on every
// event record (with its index) before it is written: a copy with one
// argument changed is still a well-formed file, so replay (not the
// reader's CRCs) has to find the change.
inline std::vector<u8> rewrite(const std::vector<u8>& bytes,
                               const std::function<void(u64, std::vector<u8>&)>& edit) {
    trace::Reader in(std::make_unique<trace::MemorySource>(bytes.data(), bytes.size()));
    REQUIRE(in.open().ok());
    auto sink = std::make_unique<trace::MemorySink>();
    trace::MemorySink* mem = sink.get();
    trace::Writer w(std::move(sink), small_chunks());
    auto snap = trace::Cursor::snapshot(in);
    while (const RecordHeader* r = snap.next())
        REQUIRE(w.add_snapshot(*r).ok());
    trace::Cursor c(in, 0);
    u64 i = 0;
    while (const RecordHeader* r = c.next()) {
        auto p = reinterpret_cast<const u8*>(r);
        std::vector<u8> rec(p, p + r->size);
        edit(i++, rec);
        REQUIRE(w.append(*reinterpret_cast<const RecordHeader*>(rec.data())).ok());
    }
    REQUIRE(c.status().ok());
    REQUIRE(w.finish().ok());
    return mem->bytes();
}

// A replay over a copy of `bytes` it keeps alive.
struct OpenReplay {
    std::vector<u8> bytes;
    std::unique_ptr<Replay> replay;
    std::string error;
};

inline std::unique_ptr<OpenReplay> open_replay(std::vector<u8> bytes, ReplayOptions ro = {}) {
    auto o = std::make_unique<OpenReplay>();
    o->bytes = std::move(bytes);
    auto r = Replay::open(std::make_unique<trace::Reader>(std::make_unique<trace::MemorySource>(
                              o->bytes.data(), o->bytes.size())),
                          ro);
    if (r.ok())
        o->replay = std::move(*r);
    else
        o->error = r.error();
    return o;
}

// Index of the first event record satisfying `pred`.
inline u64 find_record(const std::vector<u8>& bytes,
                       const std::function<bool(const RecordHeader&)>& pred) {
    trace::Reader in(std::make_unique<trace::MemorySource>(bytes.data(), bytes.size()));
    REQUIRE(in.open().ok());
    trace::Cursor c(in, 0);
    while (const RecordHeader* r = c.next())
        if (pred(*r)) return c.index();
    FAIL("no such record");
    return 0;
}

} // namespace replay_test
