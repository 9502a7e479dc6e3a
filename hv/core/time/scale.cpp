#include "hv/core/time/scale.hpp"

namespace hvtime {

TimeScale time_scale_for(u64 ticks_per_sec) {
    constexpr u64 kNsPerSec = 1000000000ull;
    TimeScale s;
    if (!ticks_per_sec) return s;
    u64 f = ticks_per_sec;
    int shift = 0;
    while (f > 2 * kNsPerSec) {
        f >>= 1;
        shift--;
    }
    while (f <= kNsPerSec) {
        f <<= 1;
        shift++;
    }
    // kNsPerSec < f, so the fraction (kNsPerSec << 32) / f fits in 32 bits.
    s.mul = static_cast<u32>((kNsPerSec << 32) / f);
    s.shift = static_cast<i8>(shift);
    return s;
}

} // namespace hvtime
