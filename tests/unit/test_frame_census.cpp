#include "hv/core/mm/frame_census.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace mm;

TEST_CASE("the frame census counts every frame once, by owner", "[mm][census]") {
    std::vector<FrameInfo> frames(64);
    FrameTable t(frames.data(), frames.size());
    REQUIRE(t.assign(0, 8, kOwnerHypervisor));
    REQUIRE(t.assign(8, 4, kOwnerIo)); // an MMIO hole is not RAM
    REQUIRE(t.assign(12, 10, 1));
    REQUIRE(t.assign(22, 5, 3));
    REQUIRE(t.assign(27, 1, kOwnerHypervisor));
    REQUIRE(t.share_with(27, 3)); // shared_info: still the hypervisor's
    u64 per[4] = {99, 99, 99, 99};
    FrameCensus c = take_census(t, per, 4);
    CHECK(c.total == 60);
    CHECK(c.hypervisor == 9);
    CHECK(c.domains == 15);
    CHECK(c.free == 60 - 9 - 15);
    CHECK(c.orphaned == 0);
    CHECK(c.free + c.hypervisor + c.domains + c.orphaned == c.total);
    CHECK(per[0] == 0);
    CHECK(per[1] == 10);
    CHECK(per[2] == 0);
    CHECK(per[3] == 5);
}

TEST_CASE("frames of an id past the domain table are orphaned", "[mm][census]") {
    std::vector<FrameInfo> frames(16);
    FrameTable t(frames.data(), frames.size());
    REQUIRE(t.assign(0, 2, 7));
    u64 per[4];
    FrameCensus c = take_census(t, per, 4);
    CHECK(c.orphaned == 2);
    CHECK(c.domains == 0);
    CHECK(c.free == 14);
}
