// DurationIndex answers "first item at least T long in [a, b)" exactly as a
// linear scan would.
#include <catch2/catch.hpp>

#include <random>

#include "gui/trace_view/duration_index.hpp"

using glass::tv::DurationIndex;

TEST_CASE("first_at_least matches a linear scan on random ranges") {
    std::mt19937_64 rng(42);
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 1000u, 4099u}) {
        std::vector<std::uint32_t> d(n);
        for (auto& v : d)
            v = std::uint32_t(rng() % 1000);
        auto dur = [&](std::size_t i) { return d[i]; };
        DurationIndex idx;
        idx.build(n, dur);
        for (int q = 0; q < 2000; q++) {
            std::size_t a = n ? rng() % (n + 1) : 0, b = n ? rng() % (n + 1) : 0;
            if (a > b) std::swap(a, b);
            std::uint32_t t = std::uint32_t(rng() % 1100);
            std::size_t want = b;
            for (std::size_t i = a; i < b; i++)
                if (d[i] >= t) {
                    want = i;
                    break;
                }
            REQUIRE(idx.first_at_least(a, b, t, dur) == want);
        }
    }
}
