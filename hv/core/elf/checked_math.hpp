// Overflow-checked arithmetic for values read from untrusted images: a
// crafted offset + size must never wrap around and pass a bounds check.
#pragma once

#include "hv/lib/types.hpp"

// True and *out = a + b when the sum fits in 64 bits.
[[nodiscard]] constexpr bool checked_add(u64 a, u64 b, u64* out) {
    return !__builtin_add_overflow(a, b, out);
}

[[nodiscard]] constexpr bool checked_mul(u64 a, u64 b, u64* out) {
    return !__builtin_mul_overflow(a, b, out);
}

// [offset, offset + len) lies inside a buffer of `size` bytes.
[[nodiscard]] constexpr bool range_within(u64 offset, u64 len, u64 size) {
    u64 end = 0;
    return checked_add(offset, len, &end) && end <= size;
}

// Half-open ranges [a, a_end) and [b, b_end) share at least one byte.
[[nodiscard]] constexpr bool ranges_overlap(u64 a, u64 a_end, u64 b, u64 b_end) {
    return a < b_end && b < a_end;
}
