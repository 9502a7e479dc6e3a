// Helpers shared by the trace tests: synthetic traces in memory, and readers
// over (possibly damaged) copies of them.
#pragma once

#include <cstring>
#include <memory>
#include <vector>

#include "traces/reader.hpp"
#include "traces/synth/synth.hpp"
#include "traces/writer.hpp"

namespace trace_test {

using namespace glass::trace;

inline std::vector<std::uint8_t> make_trace(const SynthOptions& so, WriterOptions wo = {}) {
    auto sink = std::make_unique<MemorySink>();
    MemorySink* mem = sink.get();
    std::vector<std::uint8_t> bytes;
    {
        Writer w(std::move(sink), wo);
        Status s = write_synthetic(w, so);
        if (!s) throw std::runtime_error(s.error().to_string());
        bytes = mem->bytes();
    }
    return bytes;
}

// A reader over a copy of `bytes` that the reader owns.
struct OpenTrace {
    std::vector<std::uint8_t> bytes;
    std::unique_ptr<Reader> reader;
    Status status;
};

inline std::unique_ptr<OpenTrace> open_bytes(std::vector<std::uint8_t> bytes) {
    auto t = std::make_unique<OpenTrace>();
    t->bytes = std::move(bytes);
    t->reader =
        std::make_unique<Reader>(std::make_unique<MemorySource>(t->bytes.data(), t->bytes.size()));
    t->status = t->reader->open();
    return t;
}

// Every record the synthetic generator makes for `so`, as bytes.
inline std::vector<std::vector<std::uint8_t>> expected_records(const SynthOptions& so) {
    std::vector<std::vector<std::uint8_t>> out;
    SynthTrace synth(so);
    while (const RecordHeader* r = synth.next()) {
        auto p = reinterpret_cast<const std::uint8_t*>(r);
        out.emplace_back(p, p + r->size);
    }
    return out;
}

inline bool same(const RecordHeader* r, const std::vector<std::uint8_t>& want) {
    return r && r->size == want.size() && std::memcmp(r, want.data(), want.size()) == 0;
}

// Reads every event record; returns how many matched `want` in order.
inline std::uint64_t read_matching(Reader& reader,
                                   const std::vector<std::vector<std::uint8_t>>& want,
                                   Status* status = nullptr) {
    Cursor c(reader);
    std::uint64_t n = 0;
    while (const RecordHeader* r = c.next()) {
        if (n >= want.size() || !same(r, want[n])) break;
        n++;
    }
    if (status) *status = c.status();
    return n;
}

} // namespace trace_test
