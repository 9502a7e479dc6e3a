// Flipped bytes anywhere are caught by a CRC or a framing check, reported at
// the damaged structure's offset, and every record before them survives.
#include <catch2/catch.hpp>

#include "trace_fixture.hpp"
#include "traces/crc32.hpp"

using namespace trace_test;

namespace {

struct Fixture {
    SynthOptions so;
    std::vector<std::uint8_t> bytes;
    std::vector<std::vector<std::uint8_t>> want;
    std::vector<ChunkInfo> chunks;
    Footer footer{};

    explicit Fixture(bool compress) {
        so.records = 2000;
        WriterOptions wo;
        wo.compress = compress;
        wo.records_per_chunk = 200;
        bytes = make_trace(so, wo);
        want = expected_records(so);
        auto t = open_bytes(bytes);
        REQUIRE(t->status.ok());
        chunks = t->reader->chunks();
        std::memcpy(&footer, bytes.data() + bytes.size() - sizeof footer, sizeof footer);
    }
    std::vector<std::uint8_t> flipped(std::uint64_t at) const {
        auto copy = bytes;
        copy[at] ^= 0x5A;
        return copy;
    }
};

// Reads everything; the records before the damage must all come back.
void check_damage_at(const std::vector<std::uint8_t>& bytes, const Fixture& f,
                     std::uint64_t good_records, std::uint64_t lo, std::uint64_t hi) {
    auto t = open_bytes(bytes);
    REQUIRE(t->status.ok());
    Status s;
    CHECK(read_matching(*t->reader, f.want, &s) == good_records);
    REQUIRE(!s.ok());
    CHECK(s.error().offset >= lo);
    CHECK(s.error().offset < hi);
    CHECK(s.error().message.find("expected") != std::string::npos);
    CHECK(!t->reader->verify().ok());
}

} // namespace

TEST_CASE("every byte of the file header is checked") {
    Fixture f(true);
    for (std::uint64_t at = 0; at < sizeof(FileHeader); at++) {
        INFO("byte " << at);
        auto t = open_bytes(f.flipped(at));
        REQUIRE(!t->status.ok());
        CHECK(t->status.error().offset < sizeof(FileHeader));
    }
    auto t = open_bytes(f.flipped(0));
    CHECK(t->status.error().offset == 0);
    CHECK(t->status.error().message.find("magic") != std::string::npos);
    t = open_bytes(f.flipped(offsetof(FileHeader, reserved)));
    CHECK(t->status.error().offset == offsetof(FileHeader, header_crc));
}

TEST_CASE("a damaged chunk header stops reading at that chunk") {
    for (bool compress : {true, false}) {
        Fixture f(compress);
        const ChunkInfo& c = f.chunks[3];
        for (std::uint64_t i = 0; i < sizeof(ChunkHeader); i++) {
            INFO("compress " << compress << " header byte " << i);
            check_damage_at(f.flipped(c.offset + i), f, c.first_record, c.offset,
                            c.offset + sizeof(ChunkHeader));
        }
    }
}

TEST_CASE("damaged chunk data is caught by its CRC at the data's offset") {
    for (bool compress : {true, false}) {
        Fixture f(compress);
        const ChunkInfo& c = f.chunks[5];
        const std::uint64_t data = c.offset + sizeof(ChunkHeader);
        for (std::uint64_t i : {0, 1, 17, 100}) {
            INFO("compress " << compress << " data byte " << i);
            auto bytes = f.flipped(data + i);
            check_damage_at(bytes, f, c.first_record, data, data + 1);
            // Without the index (file also cut before its footer) the scan
            // stops at the same place.
            bytes.resize(f.footer.index_offset);
            auto t = open_bytes(bytes);
            REQUIRE(t->status.ok());
            CHECK(t->reader->record_count() == c.first_record);
            REQUIRE(t->reader->damage());
            CHECK(t->reader->damage()->offset == data);
        }
    }
}

TEST_CASE("a damaged index or footer costs nothing: the chunks are found by scanning") {
    Fixture f(true);
    for (std::uint64_t at = f.footer.index_offset; at < f.bytes.size(); at += 3) {
        INFO("byte " << at);
        auto t = open_bytes(f.flipped(at));
        REQUIRE(t->status.ok());
        CHECK(!t->reader->indexed());
        REQUIRE(t->reader->damage());
        CHECK(t->reader->damage()->offset >= f.footer.index_offset);
        CHECK(t->reader->record_count() == f.so.records);
        Status s;
        CHECK(read_matching(*t->reader, f.want, &s) == f.so.records);
        CHECK(s.ok());
    }
}

TEST_CASE("a malformed record inside an intact chunk is reported at its exact offset") {
    Fixture f(false);
    const ChunkInfo& c = f.chunks[2];
    const std::uint64_t data = c.offset + sizeof(ChunkHeader);
    auto bytes = f.bytes;
    // Walk to the 7th record of the chunk and give it an impossible size,
    // then make both CRCs agree so only the framing check can notice.
    std::uint64_t off = data;
    for (int i = 0; i < 7; i++) {
        RecordHeader h;
        std::memcpy(&h, bytes.data() + off, sizeof h);
        off += h.size;
    }
    std::uint32_t bad = 12;
    std::memcpy(bytes.data() + off + offsetof(RecordHeader, size), &bad, 4);
    ChunkHeader h;
    std::memcpy(&h, bytes.data() + c.offset, sizeof h);
    h.data_crc = crc32(bytes.data() + data, h.stored_bytes);
    h.header_crc = crc32(&h, offsetof(ChunkHeader, header_crc));
    std::memcpy(bytes.data() + c.offset, &h, sizeof h);

    auto t = open_bytes(bytes);
    REQUIRE(t->status.ok());
    Status s;
    CHECK(read_matching(*t->reader, f.want, &s) == c.first_record + 7);
    REQUIRE(!s.ok());
    CHECK(s.error().offset == off);
    CHECK(s.error().message.find("record " + std::to_string(c.first_record + 7)) == 0);
    CHECK(s.error().message.find("multiple of 8") != std::string::npos);
}

TEST_CASE("a damaged snapshot chunk header makes the file unreadable, with its offset") {
    Fixture f(true);
    const std::uint64_t at = sizeof(FileHeader) + offsetof(ChunkHeader, record_count);
    auto t = open_bytes(f.flipped(at));
    REQUIRE(!t->status.ok());
    CHECK(t->status.error().offset == sizeof(FileHeader) + offsetof(ChunkHeader, header_crc));
}
