#include "hv/core/alloc/frame_allocator.hpp"

#include <catch2/catch.hpp>
#include <vector>

namespace {
struct Fixture {
    std::vector<u64> bits;
    FrameAllocator alloc;
    explicit Fixture(u64 frames) : bits((frames + 63) / 64), alloc(bits.data(), frames) {}
};
} // namespace

TEST_CASE("frame allocator starts with everything used", "[alloc]") {
    Fixture f(1000);
    CHECK(f.alloc.free_frames() == 0);
    CHECK(f.alloc.alloc(1).error() == XEN_ENOMEM);
}

TEST_CASE("frame allocator hands out only freed ranges, aligned", "[alloc]") {
    Fixture f(1024);
    f.alloc.mark_free(256, 512); // frames 256..767
    CHECK(f.alloc.free_frames() == 512);

    auto a = f.alloc.alloc(1);
    REQUIRE(a.ok());
    CHECK(*a >= 256);
    CHECK(*a < 768);

    auto big = f.alloc.alloc(128, 128);
    REQUIRE(big.ok());
    CHECK(*big % 128 == 0);
    CHECK(*big >= 256);
    CHECK(*big + 128 <= 768);
    CHECK(f.alloc.free_frames() == 512 - 129);

    // No run of 512 is left.
    CHECK(f.alloc.alloc(512).error() == XEN_ENOMEM);
}

TEST_CASE("frame allocator reuses freed frames and refuses double free", "[alloc]") {
    Fixture f(64);
    f.alloc.mark_free(0, 64);
    auto a = f.alloc.alloc(64);
    REQUIRE(a.ok());
    CHECK(f.alloc.alloc(1).error() == XEN_ENOMEM);
    REQUIRE(f.alloc.free(*a + 10, 4).ok());
    auto b = f.alloc.alloc(4);
    REQUIRE(b.ok());
    CHECK(*b == *a + 10);
    CHECK(f.alloc.free(*b, 4).ok());
    CHECK(f.alloc.free(*b, 4).error() == XEN_EINVAL);  // double free
    CHECK(f.alloc.free(60, 10).error() == XEN_EINVAL); // past the end
    CHECK(f.alloc.free_frames() == 4);
}

TEST_CASE("frame allocator rejects bad requests", "[alloc]") {
    Fixture f(64);
    f.alloc.mark_free(0, 64);
    CHECK(f.alloc.alloc(0).error() == XEN_EINVAL);
    CHECK(f.alloc.alloc(1, 3).error() == XEN_EINVAL);
    CHECK(f.alloc.alloc(65).error() == XEN_ENOMEM);
    f.alloc.mark_used(0, 64);
    CHECK(f.alloc.free_frames() == 0);
}
