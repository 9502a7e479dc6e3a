// The generic shared ring (guest/ring/ring.hpp) with the block protocol's
// request/response types: index wraparound and notification suppression.
#include "guest/blk/protocol.hpp"

#include <catch2/catch.hpp>

#include <memory>

namespace {

struct Pair {
    std::unique_ptr<blk::SharedRing> shared = std::make_unique<blk::SharedRing>();
    blk::FrontRing front;
    blk::BackRing back;

    // Both sides as if `start` requests had already gone round the ring.
    explicit Pair(ring::RingIdx start = 0) {
        shared->init();
        front.attach(shared.get());
        back.attach(shared.get());
        shared->req_prod = shared->rsp_prod = start;
        shared->req_event = shared->rsp_event = start + 1;
        front.req_prod_pvt = front.rsp_cons = start;
        back.rsp_prod_pvt = back.req_cons = start;
    }

    bool send(u64 id) {
        front.next_request() = blk::Request{blk::OP_READ, 1, 0, 0, id, 0, {}};
        return front.push_requests();
    }
};

} // namespace

TEST_CASE("blk ring: Xen's sizes, 32 slots of 112-byte requests", "[blk]") {
    STATIC_REQUIRE(blk::SharedRing::kSlots == 32);
    STATIC_REQUIRE(offsetof(blk::SharedRing, slots) == 64);
    STATIC_REQUIRE(ring::pow2_floor(36) == 32);
}

TEST_CASE("blk ring: passes_event is right across the 2^32 wrap", "[blk]") {
    CHECK(ring::passes_event(0, 1, 1));
    CHECK_FALSE(ring::passes_event(1, 2, 1));
    CHECK(ring::passes_event(0xfffffffe, 2, 0xffffffff));
    CHECK(ring::passes_event(0xfffffffe, 2, 0));
    CHECK(ring::passes_event(0xfffffffe, 2, 2));
    CHECK_FALSE(ring::passes_event(0xfffffffe, 2, 3));
    CHECK_FALSE(ring::passes_event(0xfffffffe, 2, 0xfffffffe));
}

TEST_CASE("blk ring: ids survive many wraps of the slots and of the indices", "[blk]") {
    for (ring::RingIdx start : {0u, 0xffffffe0u, 0xfffffffbu}) {
        Pair p(start);
        u64 next_id = 0, expect_id = 0;
        for (int round = 0; round < 300; round++) {
            u32 batch = 1 + static_cast<u32>(round % blk::SharedRing::kSlots);
            REQUIRE(p.front.free_requests() == blk::SharedRing::kSlots);
            for (u32 i = 0; i < batch; i++)
                (void)p.send(next_id++);
            u32 count = 0;
            REQUIRE(p.back.unconsumed(p.back.request_producer(), count));
            REQUIRE(count == batch);
            for (u32 i = 0; i < batch; i++) {
                blk::Request r = p.back.take_request();
                blk::Response rsp{r.id, r.operation, 0, blk::RSP_OKAY, 0};
                p.back.put_response(rsp);
            }
            (void)p.back.push_responses();
            for (u32 i = 0; i < batch; i++) {
                REQUIRE(p.front.has_responses());
                REQUIRE(p.front.next_response().id == expect_id++);
            }
            REQUIRE_FALSE(p.front.has_responses());
        }
    }
}

TEST_CASE("blk ring: a full ring has no free slot until responses are read", "[blk]") {
    Pair p(0xfffffff0u);
    for (u32 i = 0; i < blk::SharedRing::kSlots; i++)
        (void)p.send(i);
    CHECK(p.front.full());
    blk::Request r = p.back.take_request();
    p.back.put_response({r.id, r.operation, 0, blk::RSP_OKAY, 0});
    (void)p.back.push_responses();
    CHECK(p.front.full()); // the response still occupies the slot
    (void)p.front.next_response();
    CHECK(p.front.free_requests() == 1);
}

TEST_CASE("blk ring: producers notify only when the consumer asked to be woken", "[blk]") {
    Pair p(0xfffffffeu); // the indices wrap during the test
    // req_event = start + 1: the first request wakes the backend...
    CHECK(p.send(1));
    // ...which has not re-armed, so further requests are silent.
    CHECK_FALSE(p.send(2));
    CHECK_FALSE(p.send(3));
    u32 count = 0;
    REQUIRE(p.back.unconsumed(p.back.request_producer(), count));
    for (u32 i = 0; i < count; i++) {
        blk::Request r = p.back.take_request();
        p.back.put_response({r.id, r.operation, 0, blk::RSP_OKAY, 0});
    }
    // The frontend armed rsp_event = start + 1 at init: the first push wakes it.
    CHECK(p.back.push_responses());
    // Backend goes idle: arms req_event, finds nothing more.
    CHECK_FALSE(p.back.final_check_for_requests());
    CHECK(p.send(4)); // the next request wakes it again
    // A request that races the final check is found, not slept through.
    CHECK(p.back.final_check_for_requests());

    // Frontend reads its responses; without re-arming, the next ones are silent.
    while (p.front.has_responses())
        (void)p.front.next_response();
    count = 0;
    REQUIRE(p.back.unconsumed(p.back.request_producer(), count));
    REQUIRE(count == 1);
    blk::Request r = p.back.take_request();
    p.back.put_response({r.id, r.operation, 0, blk::RSP_OKAY, 0});
    CHECK_FALSE(p.back.push_responses());
    CHECK(p.front.final_check_for_responses()); // but the frontend finds it
    (void)p.front.next_response();
    CHECK_FALSE(p.front.final_check_for_responses()); // armed now
    (void)p.send(5);
    REQUIRE(p.back.unconsumed(p.back.request_producer(), count));
    r = p.back.take_request();
    p.back.put_response({r.id, r.operation, 0, blk::RSP_OKAY, 0});
    CHECK(p.back.push_responses());
}

TEST_CASE("blk ring: the backend refuses impossible request producers", "[blk]") {
    Pair p(0xfffffff0u);
    u32 count = 0;
    ring::RingIdx base = p.back.rsp_prod_pvt;
    CHECK(p.back.unconsumed(base + blk::SharedRing::kSlots, count));
    CHECK(count == blk::SharedRing::kSlots);
    CHECK_FALSE(p.back.unconsumed(base + blk::SharedRing::kSlots + 1, count));
    CHECK_FALSE(p.back.unconsumed(base - 1, count));
    CHECK_FALSE(p.back.unconsumed(base + 0x80000000u, count));
    // After consuming 3, a producer moved back behind them is refused.
    p.shared->req_prod = base + 3;
    REQUIRE(p.back.unconsumed(p.back.request_producer(), count));
    for (int i = 0; i < 3; i++)
        (void)p.back.take_request();
    CHECK(p.back.unconsumed(base + 3, count));
    CHECK(count == 0);
    CHECK_FALSE(p.back.unconsumed(base + 2, count));
}
