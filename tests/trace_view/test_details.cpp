// Record details: a record inside a call shows the call's arguments, result,
// the memory it read and the state changes recorded while it ran.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "gui/trace_view/record_details.hpp"

using namespace tv_test;

namespace {

std::vector<std::uint64_t> mmu_read(std::uint16_t dom, std::uint16_t vcpu, std::uint64_t ns) {
    std::vector<std::uint64_t> w((sizeof(HypercallRead) + 32) / 8, 0);
    auto* r = reinterpret_cast<HypercallRead*>(w.data());
    r->h.type = std::uint16_t(RecordType::HypercallRead);
    r->h.size = std::uint32_t(w.size() * 8);
    r->h.domain = dom;
    r->h.vcpu = vcpu;
    r->h.time_ns = ns;
    r->guest_va = 0xffff888000100000ull;
    r->bytes = 32;
    auto* req = reinterpret_cast<std::uint64_t*>(r + 1);
    req[0] = 0x1234000 | 0; // normal_pt_update
    req[1] = 0x5678067;
    req[2] = 0x2000000 | 1; // machphys_update
    req[3] = 0x42;
    return w;
}

} // namespace

TEST_CASE("details of a failed mmu_update: arguments, errno, requests, effects") {
    TempTrace file("details");
    write_records(file.path, {
                                 entry(1, 1, 0, 1000, 0xffff888000100000ull), // 0
                                 mmu_read(1, 0, 1100),                        // 1
                                 bounce(0, 0, 1150),                          // 2 other vCPU
                                 page_type(1, 0, 1200, 0x1234),               // 3 effect
                                 entry(14, 1, 0, 1250),                       // 4 nested
                                 page_type(1, 0, 1260, 0x9999),               // 5 nested's effect
                                 exit_(14, 1, 0, 1270),                       // 6
                                 exit_(1, 1, 0, 1900, -22),                   // 7
                                 bounce(1, 0, 2000),                          // 8 no call
                             });
    LoadedTrace t = load_trace_model(file.path);
    REQUIRE(t.model);
    std::string err;
    auto store = RecordStore::open(file.path, err);
    REQUIRE(store);

    for (u32 rec : {0u, 1u, 3u, 7u}) {
        RecordDetails d = describe_record(*t.model, *store, rec);
        INFO(rec);
        REQUIRE(d.error.empty());
        REQUIRE(d.in_call);
        CHECK(d.call.name == "mmu_update");
        CHECK(d.call.entry == 0);
        CHECK(d.call.exit == 7);
        CHECK(d.call.duration_ns == 900);
        CHECK(d.call.result == "-22 (EINVAL)");
        CHECK(d.call.failed);
        REQUIRE(d.call.args.size() == 4);
        CHECK(d.call.args[0].name == "req");
        CHECK(d.call.args[0].value == "0xffff888000100000");
        REQUIRE(d.call.reads.size() == 2);
        CHECK(d.call.reads[0] == "req 0: normal_pt_update ptr 0x1234000 val 0x5678067");
        CHECK(d.call.reads[1] == "req 1: machphys_update ptr 0x2000000 val 0x42");
        // Its own page-type change, not the nested call's, not the other vCPU's.
        REQUIRE(d.call.effects.size() == 1);
        CHECK(d.call.effects[0].record == 3);
        CHECK(d.call.effects[0].text.find("mfn 0x1234 writable -> L1") != std::string::npos);
    }
    RecordDetails nested = describe_record(*t.model, *store, 5);
    REQUIRE(nested.in_call);
    CHECK(nested.call.name == "update_va_mapping");
    CHECK(nested.call.entry == 4);
    REQUIRE(nested.call.effects.size() == 1);
    CHECK(nested.call.effects[0].record == 5);

    RecordDetails plain = describe_record(*t.model, *store, 8);
    CHECK(!plain.in_call);
    CHECK(plain.title == "exception-bounce #8");
    CHECK(plain.summary.find("vector 14") != std::string::npos);

    RecordDetails past = describe_record(*t.model, *store, 99);
    CHECK(past.error.find("past the end") != std::string::npos);
}

TEST_CASE("durations, times and results read the way the panels print them") {
    CHECK(format_duration(850) == "850 ns");
    CHECK(format_duration(12'345) == "12.345 us");
    CHECK(format_duration(12'345'678) == "12.346 ms");
    CHECK(format_duration(12'000'000'000ull) == "12.000 s");
    CHECK(format_time(1'234'567'890) == "1.234567890");
    CHECK(format_result(0) == "0");
    CHECK(format_result(-1) == "-1 (EPERM)");
}

TEST_CASE("mmuext_op requests and validated frame contents are decoded") {
    auto op_read = [](std::uint64_t cmd, std::uint64_t mfn, std::uint64_t ns) {
        std::vector<std::uint64_t> w((sizeof(HypercallRead) + 24) / 8, 0);
        auto* r = reinterpret_cast<HypercallRead*>(w.data());
        r->h.type = std::uint16_t(RecordType::HypercallRead);
        r->h.size = std::uint32_t(w.size() * 8);
        r->h.time_ns = ns;
        r->guest_va = 0xffffffff80125e38ull;
        r->bytes = 24;
        auto* op = reinterpret_cast<std::uint64_t*>(r + 1);
        op[0] = cmd;
        op[1] = mfn;
        return w;
    };
    std::vector<std::uint64_t> frame((sizeof(HypercallRead) + 4096) / 8, 0);
    {
        auto* r = reinterpret_cast<HypercallRead*>(frame.data());
        r->h.type = std::uint16_t(RecordType::HypercallRead);
        r->h.size = std::uint32_t(frame.size() * 8);
        r->h.flags = kReadMachineFrame;
        r->h.time_ns = 1120;
        r->guest_va = 0xb76000;
        r->bytes = 4096;
        auto* e = reinterpret_cast<std::uint64_t*>(r + 1);
        e[0] = 0xb71027;
        e[5] = 0xb72027;
    }
    TempTrace file("mmuext");
    write_records(file.path, {
                                 entry(26, 0, 0, 1000), // 0
                                 op_read(0, 0xb76, 1100),
                                 frame,
                                 page_type(0, 0, 1130, 0xb76),
                                 exit_(26, 0, 0, 1200),
                             });
    LoadedTrace t = load_trace_model(file.path);
    REQUIRE(t.model);
    std::string err;
    auto store = RecordStore::open(file.path, err);
    REQUIRE(store);
    RecordDetails d = describe_record(*t.model, *store, 0);
    REQUIRE(d.call.reads.size() == 2);
    CHECK(d.call.reads[0] == "op 0: pin_l1_table 0xb76 0");
    CHECK(d.call.reads[1] == "frame 0xb76 validated: 2 of 512 entries present");
    REQUIRE(d.call.effects.size() == 1);
    CHECK(d.call.effects[0].record == 3);
}
