// Escaping and run-length encoding (see escape.hpp).
#include "gdbstub/escape.hpp"

namespace gdb {

bool unescape_in_place(u8* data, usize len, usize& out_len) {
    usize w = 0;
    for (usize r = 0; r < len; ++r) {
        u8 b = data[r];
        if (b == kEscapeChar) {
            if (++r == len) return false;
            b = data[r] ^ kEscapeXor;
        }
        data[w++] = b;
    }
    out_len = w;
    return true;
}

namespace {
// Longest repeat count we may encode for a run that has `extra` repeats
// available: never 6 or 7 ('#', '$' after biasing), never over the maximum.
usize usable_repeat(usize extra) {
    usize n = extra < kMaxRunRepeat ? extra : kMaxRunRepeat;
    if (n == 6 || n == 7) n = 5;
    return n;
}
} // namespace

bool rle_encode(const u8* payload, usize len, u8* out, usize cap, usize& out_len) {
    usize w = 0;
    usize i = 0;
    while (i < len) {
        u8 c = payload[i];
        usize run = 1;
        while (i + run < len && payload[i + run] == c)
            ++run;
        // The character before a '*' must be the repeated byte itself; an
        // escaped byte ('}' x) cannot be the base of a run because the
        // decoder would repeat x, not '}' x. So runs of '}' are left alone.
        if (w == cap) return false;
        out[w++] = c;
        usize extra = run - 1;
        if (c == kEscapeChar || (w >= 2 && out[w - 2] == kEscapeChar)) {
            // copy literally
            for (usize k = 0; k < extra; ++k) {
                if (w == cap) return false;
                out[w++] = c;
            }
            i += run;
            continue;
        }
        while (extra > 2) { // "c*x" costs 3 bytes; only worth it beyond 3 copies
            usize n = usable_repeat(extra);
            if (w + 2 > cap) return false;
            out[w++] = kRunChar;
            out[w++] = static_cast<u8>(n + kRunBias);
            extra -= n;
            if (extra > 2) {
                if (w == cap) return false;
                out[w++] = c;
                --extra;
            }
        }
        for (usize k = 0; k < extra; ++k) {
            if (w == cap) return false;
            out[w++] = c;
        }
        i += run;
    }
    out_len = w;
    return true;
}

} // namespace gdb
