// Converting TSC ticks to nanoseconds the way Xen tells PV guests to
// (docs/pv-abi.md §1.9): ns = ((ticks << shift) * mul) >> 32, a negative
// shift meaning a right shift. The hypervisor uses the same scale for its
// own system time, so it and its guests agree to the nanosecond.
#pragma once

#include "hv/lib/types.hpp"

namespace hvtime {

struct TimeScale {
    u32 mul = 0; // 32.32 fixed-point fraction, normalised to [2^31, 2^32)
    i8 shift = 0;
};

// The scale for a counter running at ticks_per_sec (> 0). The frequency is
// first brought into (1e9 / 2, 2e9] by powers of two, so that the fraction
// 1e9 / f' keeps 31-32 significant bits (Xen's set_time_scale).
TimeScale time_scale_for(u64 ticks_per_sec);

// Ticks -> ns with that scale (Xen's scale_delta). The product is 96 bits
// wide, so no delta a 64-bit counter can hold overflows before the shift.
inline u64 scale_delta(u64 delta, TimeScale s) {
    if (s.shift < 0)
        delta >>= -s.shift;
    else
        delta <<= s.shift;
    return static_cast<u64>((static_cast<unsigned __int128>(delta) * s.mul) >> 32);
}

} // namespace hvtime
