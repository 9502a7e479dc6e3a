#include "hv/core/time/scale.hpp"

#include <catch2/catch.hpp>

using hvtime::scale_delta;
using hvtime::time_scale_for;

namespace {
// The exact answer, for comparison: delta * 1e9 / hz in 128-bit arithmetic.
u64 exact_ns(u64 delta, u64 hz) {
    return static_cast<u64>(static_cast<unsigned __int128>(delta) * 1000000000u / hz);
}
} // namespace

TEST_CASE("time scale is normalised like Xen's", "[time]") {
    for (u64 hz : {1000000ull, 62722000ull, 999999999ull, 1000000000ull, 1000000001ull,
                   2102864000ull, 3000000000ull, 4000000001ull, 10000000000ull}) {
        auto s = time_scale_for(hz);
        CAPTURE(hz);
        CHECK(s.mul >= (1u << 31));
        // (hz scaled by 2^shift) lies in (1e9, 2e9].
        double f = static_cast<double>(hz);
        for (int i = 0; i < s.shift; i++)
            f *= 2;
        for (int i = 0; i > s.shift; i--)
            f /= 2;
        CHECK(f > 1e9 - 1);
        CHECK(f <= 2e9 + 1);
    }
    auto s = time_scale_for(1000000000ull); // 1 GHz: exactly 1 ns per tick
    CHECK(scale_delta(123456789, s) >= 123456788);
    CHECK(scale_delta(123456789, s) <= 123456789);
}

TEST_CASE("scale_delta matches exact 128-bit arithmetic", "[time]") {
    for (u64 hz : {62722000ull, 1000000000ull, 2102864000ull, 2400000000ull, 3999999999ull}) {
        auto s = time_scale_for(hz);
        // Up to 2^56 ticks: years at any rate, and room for a left shift.
        const u64 deltas[] = {
            0, 1, 1000, 123456789, hz, hz * 10, hz * 3600, hz * 86400 * 365, 1ull << 56};
        for (u64 delta : deltas) {
            CAPTURE(hz, delta);
            u64 exact = exact_ns(delta, hz);
            u64 got = scale_delta(delta, s);
            // mul is truncated to 32 fractional bits, and halving an odd
            // frequency or the delta drops a low bit: the relative error
            // stays below 2^-30 either way, plus a nanosecond of rounding.
            u64 diff = got > exact ? got - exact : exact - got;
            CHECK(diff <= exact / (1ull << 30) + 2);
        }
    }
}

TEST_CASE("scale_delta is monotonic in the delta", "[time]") {
    auto s = time_scale_for(2102864000ull);
    u64 prev = 0;
    for (u64 d = 0; d < 100000; d += 7) {
        u64 ns = scale_delta(d, s);
        CHECK(ns >= prev);
        prev = ns;
    }
}
