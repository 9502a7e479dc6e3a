// The reorder rules (guest/blk/ordering.hpp) under a randomized model of an
// out-of-order device: requests start and complete in any order the queue
// allows, several at once, and every run is checked against the paper's
// barrier semantics from an event log.
#include "guest/blk/ordering.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using blk::Kind;
using blk::OrderQueue;

namespace {

struct Times {
    Kind kind;
    int start = -1;
    int end = -1;
};

// Runs `kinds` through a queue, arriving in bursts, with random starts and
// completions; returns each request's start and completion time.
std::vector<Times> simulate(const std::vector<Kind>& kinds, std::mt19937& rng) {
    OrderQueue q;
    std::vector<Times> t;
    std::vector<u32> in_flight;
    size_t next = 0;
    int clock = 0;
    while (next < kinds.size() || !q.empty()) {
        int action = static_cast<int>(rng() % 3);
        if (action == 0 && next < kinds.size() && q.tail() - q.head() < OrderQueue::kCapacity) {
            u32 seq = 0;
            REQUIRE(q.push(kinds[next], seq));
            REQUIRE(seq == next);
            t.push_back({kinds[next++]});
            continue;
        }
        std::vector<u32> startable;
        for (u32 s = q.head(); s != q.tail(); s++)
            if (q.may_start(s)) startable.push_back(s);
        if (action == 1 && !startable.empty()) {
            u32 s = startable[rng() % startable.size()];
            q.start(s);
            t[s].start = clock++;
            in_flight.push_back(s);
        } else if (!in_flight.empty()) {
            size_t i = rng() % in_flight.size();
            q.complete(in_flight[i]);
            t[in_flight[i]].end = clock++;
            in_flight.erase(in_flight.begin() + static_cast<long>(i));
        } else if (next == kinds.size() && startable.empty()) {
            FAIL("deadlock: nothing in flight, nothing may start, queue not empty");
        }
    }
    return t;
}

bool is_write(Kind k) {
    return k == Kind::write || k == Kind::barrier;
}

} // namespace

TEST_CASE("blk ordering: barriers and flushes hold under random out-of-order completion", "[blk]") {
    std::mt19937 rng(20240611);
    u64 overtakes = 0;
    for (int run = 0; run < 5000; run++) {
        size_t n = 1 + rng() % 80;
        std::vector<Kind> kinds(n);
        for (auto& k : kinds) {
            u32 r = rng() % 20;
            k = r < 8 ? Kind::read : r < 16 ? Kind::write : r < 18 ? Kind::barrier : Kind::flush;
        }
        auto t = simulate(kinds, rng);
        for (size_t i = 0; i < n; i++) {
            REQUIRE(t[i].start >= 0);
            REQUIRE(t[i].end > t[i].start);
            for (size_t j = 0; j < i; j++) {
                // j is ahead of i in the ring.
                if (t[j].end > t[i].end) overtakes++;
                if (kinds[i] == Kind::barrier) REQUIRE(t[j].end < t[i].start);
                if (kinds[j] == Kind::barrier) REQUIRE(t[j].end < t[i].start);
                if (kinds[i] == Kind::flush && is_write(kinds[j])) REQUIRE(t[j].end < t[i].end);
            }
        }
    }
    // The model really reorders: otherwise the checks above prove nothing.
    CHECK(overtakes > 10000);
}

TEST_CASE("blk ordering: reads and writes pass each other, not a barrier", "[blk]") {
    OrderQueue q;
    u32 w0, r1, b2, w3, f4, r5;
    REQUIRE(q.push(Kind::write, w0));
    REQUIRE(q.push(Kind::read, r1));
    REQUIRE(q.push(Kind::barrier, b2));
    REQUIRE(q.push(Kind::write, w3));
    REQUIRE(q.push(Kind::flush, f4));
    REQUIRE(q.push(Kind::read, r5));
    CHECK(q.may_start(w0));
    CHECK(q.may_start(r1));
    CHECK_FALSE(q.may_start(b2));
    CHECK_FALSE(q.may_start(w3));
    q.start(r1);
    q.complete(r1); // out of order
    CHECK(q.head() == w0);
    CHECK_FALSE(q.may_start(b2));
    q.start(w0);
    q.complete(w0);
    CHECK(q.head() == b2);
    CHECK(q.may_start(b2));
    CHECK_FALSE(q.may_start(w3));
    q.start(b2);
    CHECK_FALSE(q.may_start(w3)); // started is not completed
    q.complete(b2);
    CHECK(q.may_start(w3));
    CHECK_FALSE(q.may_start(f4)); // the write ahead is unfinished
    CHECK(q.may_start(r5));       // a read may pass the flush
    q.start(w3);
    q.complete(w3);
    CHECK(q.may_start(f4));
    CHECK_FALSE(q.may_start(w3)); // already started
}

TEST_CASE("blk ordering: the window holds kCapacity requests, then refuses", "[blk]") {
    OrderQueue q;
    u32 seq = 0;
    for (u32 i = 0; i < OrderQueue::kCapacity; i++)
        REQUIRE(q.push(Kind::read, seq));
    CHECK_FALSE(q.push(Kind::read, seq));
    CHECK_FALSE(q.may_start(OrderQueue::kCapacity)); // not queued
    q.start(0);
    q.complete(0);
    CHECK(q.push(Kind::read, seq));
    CHECK(seq == OrderQueue::kCapacity);
}
