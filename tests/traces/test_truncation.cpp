// A recording cut short (crash, full disk, copy interrupted) loses only what
// is missing: the reader names the offset where the file ends and keeps every
// whole chunk before it.
#include <catch2/catch.hpp>

#include "trace_fixture.hpp"

using namespace trace_test;

namespace {

struct Layout {
    std::uint64_t data_start; // first records chunk
    std::uint64_t index_offset;
    std::vector<ChunkInfo> chunks;
    std::vector<std::uint64_t> ends; // end of each chunk's data
};

Layout layout_of(const std::vector<std::uint8_t>& bytes) {
    auto t = open_bytes(bytes);
    REQUIRE(t->status.ok());
    REQUIRE(t->reader->indexed());
    Layout l;
    l.chunks = t->reader->chunks();
    l.data_start = l.chunks.front().offset;
    for (const auto& c : l.chunks) {
        ChunkHeader h;
        std::memcpy(&h, bytes.data() + c.offset, sizeof h);
        l.ends.push_back(c.offset + sizeof h + h.stored_bytes);
    }
    Footer f;
    std::memcpy(&f, bytes.data() + bytes.size() - sizeof f, sizeof f);
    l.index_offset = f.index_offset;
    return l;
}

// Checks a copy cut to `cut` bytes against the full trace's layout.
void check_cut(const std::vector<std::uint8_t>& full, const Layout& l, std::uint64_t cut,
               const std::vector<std::vector<std::uint8_t>>& want) {
    INFO("cut at byte " << cut);
    auto t = open_bytes({full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut)});
    if (!t->status.ok()) UNSCOPED_INFO(t->status.error().to_string());
    if (cut < l.data_start) {
        // Header or snapshot cut: nothing to recover, and the error is where
        // the bytes ran out (or at the magic, if even that is gone).
        REQUIRE(!t->status.ok());
        CHECK(t->status.error().offset == (cut < 8 ? cut : cut));
        return;
    }
    REQUIRE(t->status.ok());
    CHECK(!t->reader->indexed());
    REQUIRE(t->reader->damage());
    std::uint64_t whole = 0, records = 0;
    while (whole < l.chunks.size() && l.ends[whole] <= cut)
        records += l.chunks[whole++].record_count;
    CHECK(t->reader->chunks().size() == whole);
    CHECK(t->reader->record_count() == records);
    if (cut <= l.index_offset) CHECK(t->reader->damage()->offset == cut);
    Status s;
    CHECK(read_matching(*t->reader, want, &s) == records);
    CHECK(s.ok());
}

} // namespace

TEST_CASE("truncating at every byte of a small uncompressed trace keeps every whole chunk") {
    SynthOptions so;
    so.records = 60;
    so.domains = 2;
    WriterOptions wo;
    wo.compress = false;
    wo.records_per_chunk = 8;
    auto full = make_trace(so, wo);
    auto want = expected_records(so);
    Layout l = layout_of(full);
    for (std::uint64_t cut = 0; cut < full.size(); cut++)
        check_cut(full, l, cut, want);
}

TEST_CASE("truncating a compressed trace at chunk boundaries and mid-chunk") {
    SynthOptions so;
    so.records = 5000;
    so.checkpoint_every = 700;
    WriterOptions wo;
    wo.records_per_chunk = 256;
    auto full = make_trace(so, wo);
    auto want = expected_records(so);
    Layout l = layout_of(full);
    for (std::size_t i = 0; i < l.chunks.size(); i++) {
        const std::uint64_t at = l.chunks[i].offset;
        for (std::uint64_t cut :
             {at, at + 1, at + 39, at + 40, (at + 40 + l.ends[i]) / 2, l.ends[i] - 1})
            check_cut(full, l, cut, want);
    }
    for (std::uint64_t cut = l.index_offset; cut < full.size(); cut += 7)
        check_cut(full, l, cut, want);
    check_cut(full, l, full.size() - 1, want);
}

TEST_CASE("a cut file rebuilds its checkpoint list from the records it kept") {
    SynthOptions so;
    so.records = 3000;
    so.checkpoint_every = 500;
    WriterOptions wo;
    wo.records_per_chunk = 128;
    auto full = make_trace(so, wo);
    auto whole = open_bytes(full);
    auto cut = open_bytes({full.begin(), full.end() - 40});
    REQUIRE(cut->status.ok());
    REQUIRE(!cut->reader->indexed());
    const auto& a = whole->reader->checkpoints();
    const auto& b = cut->reader->checkpoints();
    REQUIRE(b.size() == a.size());
    for (std::size_t i = 0; i < a.size(); i++) {
        CHECK(a[i].record_index == b[i].record_index);
        CHECK(a[i].frame_table_hash == b[i].frame_table_hash);
    }
}
