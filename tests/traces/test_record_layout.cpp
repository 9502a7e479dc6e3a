// The record types are the hypervisor/host contract: sizes, alignment and
// framing rules must hold for every type.
#include <catch2/catch.hpp>

#include "traces/chunk.hpp"
#include "traces/names.hpp"
#include "traces/record.hpp"

using namespace glass::trace;

TEST_CASE("every known record type has a size that keeps records 8-byte aligned") {
    for (std::uint16_t t = 0; t < 0x200; t++) {
        std::uint32_t min = min_record_size(t);
        if (!min) continue;
        CHECK(min % 8 == 0);
        CHECK(min >= sizeof(RecordHeader));
        CHECK(min <= kMaxRecordBytes);
        CHECK(record_type_name(t).rfind("type-", 0) != 0);
    }
}

TEST_CASE("record framing rejects bad sizes and misplaced types") {
    HypercallExit x{};
    x.h.type = static_cast<std::uint16_t>(RecordType::HypercallExit);
    x.h.size = sizeof x;
    CHECK(check_record(x.h, sizeof x, ChunkKind::Records).empty());
    CHECK(check_record(x.h, sizeof x, ChunkKind::Snapshot).find("snapshot") != std::string::npos);
    x.h.size = 36;
    CHECK(check_record(x.h, 64, ChunkKind::Records).find("multiple of 8") != std::string::npos);
    x.h.size = 32;
    CHECK(check_record(x.h, 64, ChunkKind::Records).find("at least 40") != std::string::npos);
    x.h.size = 48;
    CHECK(check_record(x.h, 40, ChunkKind::Records).find("to fit") != std::string::npos);
}

TEST_CASE("unknown record types pass framing so newer minor versions stay readable") {
    RecordHeader h{};
    h.type = 77;
    h.size = 32;
    CHECK(check_record(h, 32, ChunkKind::Records).empty());
    CHECK(record_type_name(77) == "type-77");
}

TEST_CASE("a guest-memory read may not claim more bytes than its record holds") {
    struct {
        HypercallRead r;
        std::uint8_t data[8];
    } rec{};
    rec.r.h.type = static_cast<std::uint16_t>(RecordType::HypercallRead);
    rec.r.h.size = sizeof rec;
    rec.r.bytes = 8;
    CHECK(check_record(rec.r.h, sizeof rec, ChunkKind::Records).empty());
    rec.r.bytes = 9;
    CHECK(!check_record(rec.r.h, sizeof rec, ChunkKind::Records).empty());
}

TEST_CASE("record type names round-trip through the parser") {
    CHECK(parse_record_type("hypercall-entry") == std::uint16_t(1));
    CHECK(parse_record_type("12") == std::uint16_t(12));
    CHECK(!parse_record_type("nonsense"));
    CHECK(!parse_record_type(""));
    CHECK(hypercall_name(1) == "mmu_update");
    CHECK(hypercall_name(11) == "hypercall-11");
}
