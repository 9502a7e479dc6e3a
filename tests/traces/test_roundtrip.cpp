// What is written is what is read: records, snapshot, checkpoints, and
// seeking straight to any record.
#include <catch2/catch.hpp>

#include "trace_fixture.hpp"

using namespace trace_test;

TEST_CASE("a synthetic trace reads back record for record, compressed or not") {
    SynthOptions so;
    so.records = 20000;
    so.checkpoint_every = 1000;
    auto want = expected_records(so);
    for (bool compress : {true, false}) {
        WriterOptions wo;
        wo.compress = compress;
        wo.records_per_chunk = 500;
        auto t = open_bytes(make_trace(so, wo));
        REQUIRE(t->status.ok());
        CHECK(t->reader->indexed());
        CHECK(!t->reader->damage());
        CHECK(t->reader->record_count() == so.records);
        Status s;
        CHECK(read_matching(*t->reader, want, &s) == so.records);
        CHECK(s.ok());
        CHECK(t->reader->verify().ok());
        CHECK(t->reader->checkpoints().size() == so.records / 1000 - 1);
        for (const auto& c : t->reader->checkpoints()) {
            Cursor cur(*t->reader, c.record_index);
            const RecordHeader* r = cur.next();
            REQUIRE(r);
            CHECK(r->type == static_cast<std::uint16_t>(RecordType::Checkpoint));
        }
    }
}

TEST_CASE("the snapshot comes back in order before the events") {
    SynthOptions so;
    so.records = 10;
    SynthTrace synth(so);
    std::vector<std::vector<std::uint8_t>> want;
    synth.snapshot([&](const RecordHeader& r) {
        auto p = reinterpret_cast<const std::uint8_t*>(&r);
        want.emplace_back(p, p + r.size);
    });
    WriterOptions wo;
    wo.chunk_byte_limit = kMaxRecordBytes; // forces several snapshot chunks
    auto t = open_bytes(make_trace(so, wo));
    REQUIRE(t->status.ok());
    CHECK(t->reader->snapshot_chunks().size() > 1);
    REQUIRE(t->reader->snapshot_record_count() == want.size());
    Cursor c = Cursor::snapshot(*t->reader);
    for (const auto& w : want)
        CHECK(same(c.next(), w));
    CHECK(!c.next());
    CHECK(c.status().ok());
}

TEST_CASE("seeking to any record lands on it, across count- and byte-limited chunks") {
    SynthOptions so;
    so.records = 30000;
    auto want = expected_records(so);
    WriterOptions wo;
    wo.records_per_chunk = 4000;
    wo.chunk_byte_limit = kMaxRecordBytes; // some chunks close on bytes first
    auto t = open_bytes(make_trace(so, wo));
    REQUIRE(t->status.ok());
    bool short_chunk = false;
    for (const auto& c : t->reader->chunks())
        short_chunk |= c.record_count < wo.records_per_chunk;
    CHECK(short_chunk);
    for (std::uint64_t i = 0; i < so.records; i += 997) {
        Cursor c(*t->reader, i);
        CHECK(same(c.next(), want[i]));
        CHECK(c.index() == i);
        CHECK(same(c.next(), want[i + 1]));
    }
    Cursor end(*t->reader, so.records);
    CHECK(!end.next());
}

TEST_CASE("an empty trace is valid") {
    SynthOptions so;
    so.records = 0;
    auto t = open_bytes(make_trace(so));
    REQUIRE(t->status.ok());
    CHECK(t->reader->indexed());
    CHECK(t->reader->record_count() == 0);
    Cursor c(*t->reader);
    CHECK(!c.next());
}

TEST_CASE("the writer refuses malformed records and snapshot records after events") {
    Writer w(std::make_unique<MemorySink>());
    HypercallExit x{};
    x.h.type = static_cast<std::uint16_t>(RecordType::HypercallExit);
    x.h.size = 44;
    CHECK(!w.append(x.h).ok());
    // The first error sticks: a trace with a hole would mislead replay.
    x.h.size = sizeof x;
    CHECK(!w.append(x.h).ok());

    Writer w2(std::make_unique<MemorySink>());
    CHECK(w2.append(x.h).ok());
    SnapDomain d{};
    d.h.type = static_cast<std::uint16_t>(RecordType::SnapDomain);
    d.h.size = sizeof d;
    Status s = w2.add_snapshot(d.h);
    REQUIRE(!s.ok());
    CHECK(s.error().message.find("before the first event") != std::string::npos);
}

TEST_CASE("a file of a newer major version is refused with the version found") {
    SynthOptions so;
    so.records = 10;
    auto bytes = make_trace(so);
    bytes[offsetof(FileHeader, version_major)] = 2;
    bytes[offsetof(FileHeader, version_minor)] = 0;
    auto t = open_bytes(bytes);
    REQUIRE(!t->status.ok());
    CHECK(t->status.error().offset == offsetof(FileHeader, version_major));
    CHECK(t->status.error().message.find("found 2.0.0") != std::string::npos);
}
