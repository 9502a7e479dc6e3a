// The per-CPU trace ring: the hypervisor's producer (hv/core/trace/
// ring_writer) against the host's consumer (traces/live/ring_reader), over
// an ordinary buffer standing in for the shared RAM file.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "hv/core/trace/ring_writer.hpp"
#include "traces/live/hypercall_filter.hpp"
#include "traces/live/ring_reader.hpp"

using namespace glass::trace;

namespace {

struct Ring {
    explicit Ring(std::uint32_t size) : data(size) {
        ctl.size = size;
        ctl.cpu = 3;
        writer.attach(&ctl, data.data());
    }
    ::trace::RingControl ctl{};
    std::vector<std::uint8_t> data;
    ::trace::RingWriter writer;
};

// A HypercallRead with `n` tail bytes of value `fill`, time `t`.
bool put_read(Ring& r, std::uint32_t n, std::uint8_t fill, std::uint64_t t) {
    HypercallRead rec{};
    rec.h.type = static_cast<std::uint16_t>(RecordType::HypercallRead);
    rec.h.size = record_size_for(sizeof rec + n);
    rec.h.time_ns = t;
    rec.bytes = n;
    std::vector<std::uint8_t> tail(n, fill);
    return r.writer.write(&rec, sizeof rec, tail.data(), n, t);
}

struct Seen {
    std::vector<std::uint16_t> types;
    std::vector<std::uint64_t> times;
    std::uint64_t lost = 0;
    bool tails_ok = true;
};

DrainResult drain(Ring& r, Seen& s) {
    RingReader reader(&r.ctl, r.data.data());
    return reader.drain([&](const RecordHeader& h) {
        s.types.push_back(h.type);
        s.times.push_back(h.time_ns);
        if (auto* lr = record_as<LostRecords>(&h, RecordType::LostRecords)) s.lost += lr->count;
        if (auto* rd = record_as<HypercallRead>(&h, RecordType::HypercallRead)) {
            const auto* tail = reinterpret_cast<const std::uint8_t*>(rd + 1);
            for (std::uint32_t i = 0; i < rd->bytes; i++)
                if (tail[i] != std::uint8_t(rd->h.time_ns)) s.tails_ok = false;
        }
    });
}

} // namespace

TEST_CASE("trace ring: records come out in order, padded to 8, with their tails") {
    Ring r(4096);
    REQUIRE(put_read(r, 5, 1, 1));
    REQUIRE(put_read(r, 16, 2, 2));
    CHECK(r.ctl.produced == 48 + 56);
    CHECK(r.ctl.records == 2);
    Seen s;
    DrainResult d = drain(r, s);
    CHECK_FALSE(d.broken);
    CHECK(d.records == 2);
    CHECK(s.times == std::vector<std::uint64_t>{1, 2});
    CHECK(s.tails_ok);
    CHECK(r.ctl.consumed == r.ctl.produced);
}

TEST_CASE("trace ring: records that wrap around the end are reassembled") {
    Ring r(1024);
    std::uint64_t t = 0;
    Seen s;
    // 1000 records of 40..136 bytes through a 1 KiB ring: every position
    // wraps many times, headers and tails split at every offset.
    for (int i = 0; i < 1000; i++) {
        std::uint32_t n = std::uint32_t(i * 7 % 97);
        ++t;
        REQUIRE(put_read(r, n, std::uint8_t(t), t));
        if (i % 3 == 2) REQUIRE_FALSE(drain(r, s).broken);
    }
    REQUIRE_FALSE(drain(r, s).broken);
    REQUIRE(s.times.size() == 1000);
    for (std::size_t i = 0; i < s.times.size(); i++)
        CHECK(s.times[i] == i + 1);
    CHECK(s.tails_ok);
    CHECK(r.ctl.lost == 0);
}

TEST_CASE("trace ring: a full ring drops and counts, then says so in the stream") {
    Ring r(256);
    int written = 0, dropped = 0;
    for (int i = 1; i <= 20; i++)
        (put_read(r, 8, std::uint8_t(i), std::uint64_t(i)) ? written : dropped)++;
    // 48-byte records, 40 bytes kept back for the loss notice: 4 fit.
    CHECK(written == 4);
    CHECK(dropped == 16);
    CHECK(r.ctl.lost == 16);
    CHECK(r.writer.pending_lost() == 16);
    Seen s;
    drain(r, s);
    CHECK(s.lost == 0); // nothing after the loss yet
    // Room again: the next record is preceded by the LostRecords notice.
    REQUIRE(put_read(r, 8, 21, 21));
    drain(r, s);
    REQUIRE(s.types.size() == 6);
    CHECK(s.types[4] == std::uint16_t(RecordType::LostRecords));
    CHECK(s.types[5] == std::uint16_t(RecordType::HypercallRead));
    CHECK(s.lost == 16);
    CHECK(r.writer.pending_lost() == 0);
}

TEST_CASE("trace ring: stopping flushes a pending loss notice on its own") {
    Ring r(128);
    while (put_read(r, 8, 0, 1)) {
    }
    REQUIRE(r.writer.pending_lost() == 1);
    // The reserve guarantees the notice fits even though the ring is full.
    REQUIRE(r.writer.flush_lost(99));
    Seen s;
    drain(r, s);
    CHECK(s.types.back() == std::uint16_t(RecordType::LostRecords));
    CHECK(s.lost == 1);
}

TEST_CASE("trace ring: a host consumer word that makes no sense means no room") {
    Ring r(256);
    REQUIRE(put_read(r, 8, 1, 1));
    r.ctl.consumed = 4096; // ahead of the producer: a confused host
    CHECK(r.writer.room() == 0);
    CHECK_FALSE(put_read(r, 8, 2, 2));
    CHECK(r.ctl.lost == 1);
    r.ctl.consumed = 0;
    CHECK(put_read(r, 8, 3, 3));
}

TEST_CASE("trace ring: the reader rejects a producer it cannot trust, naming the position") {
    Ring r(256);
    REQUIRE(put_read(r, 8, 1, 1));
    SECTION("producer more than a ring ahead") {
        r.ctl.produced = 4096;
        Seen s;
        DrainResult d = drain(r, s);
        CHECK(d.broken);
        CHECK(d.error.find("ring of CPU 3 at position 0") != std::string::npos);
        CHECK(d.error.find("not within one ring (256 bytes)") != std::string::npos);
        CHECK(r.ctl.consumed == 4096); // skipped, so the producer can go on
    }
    SECTION("a record size that does not frame") {
        reinterpret_cast<RecordHeader*>(r.data.data())->size = 12;
        Seen s;
        DrainResult d = drain(r, s);
        CHECK(d.broken);
        CHECK(d.error.find("record size 12") != std::string::npos);
        CHECK(s.types.empty());
    }
}

TEST_CASE("trace ring: a new recording's start skips what an earlier one left") {
    Ring r(1024);
    REQUIRE(put_read(r, 8, 1, 1));
    r.writer.mark_epoch_start();
    REQUIRE(put_read(r, 8, 2, 2));
    RingReader reader(&r.ctl, r.data.data());
    reader.skip_to(r.ctl.epoch_start);
    std::vector<std::uint64_t> times;
    reader.drain([&](const RecordHeader& h) { times.push_back(h.time_ns); });
    CHECK(times == std::vector<std::uint64_t>{2});
}

TEST_CASE("hypercall filter: numbers, names and classes, with a precise error") {
    std::uint64_t mask = 0;
    std::string error;
    REQUIRE(parse_hypercall_filter("26,mmu_update", mask, error));
    CHECK(mask == ((1ull << 26) | (1ull << 1)));
    REQUIRE(parse_hypercall_filter("mm", mask, error));
    CHECK((mask >> 1 & 1) == 1);  // mmu_update
    CHECK((mask >> 14 & 1) == 1); // update_va_mapping
    CHECK((mask >> 32 & 1) == 0); // not event_channel_op
    REQUIRE(parse_hypercall_filter("evtchn,control", mask, error));
    CHECK(mask == ((1ull << 16) | (1ull << 32) | (1ull << 35) | (1ull << 36)));
    CHECK_FALSE(parse_hypercall_filter("mm,64", mask, error));
    CHECK(error.find("'64': expected a hypercall number (0..63), name or class") == 0);
    CHECK_FALSE(parse_hypercall_filter("mm,,evtchn", mask, error));
    CHECK(error.find("'': expected") == 0);
}
