// Strict hex parsing helpers (see hex.hpp).
#include "gdbstub/hex.hpp"

namespace gdb {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char hex_digit(unsigned v) {
    return "0123456789abcdef"[v & 0xf];
}

bool Cursor::accept(char c) {
    if (at_end() || *p_ != c) return false;
    ++p_;
    return true;
}

bool Cursor::accept(const char* s) {
    const char* q = p_;
    for (; *s; ++s, ++q) {
        if (q == end_ || *q != *s) return false;
    }
    p_ = q;
    return true;
}

ParseError Cursor::hex_u64(u64& out) {
    u64 v = 0;
    usize digits = 0;
    while (!at_end()) {
        int d = hex_value(*p_);
        if (d < 0) break;
        // Leading zeros never overflow; anything shifted out of the top does.
        if (v >> 60) return ParseError::Overflow;
        v = (v << 4) | static_cast<u64>(d);
        ++digits;
        ++p_;
    }
    if (digits == 0) return ParseError::NoDigits;
    out = v;
    return ParseError::Ok;
}

ParseError hex_decode(const char* src, usize src_len, u8* dst, usize& out_len) {
    if (src_len % 2) return ParseError::BadHex;
    for (usize i = 0; i < src_len; i += 2) {
        int hi = hex_value(src[i]);
        int lo = hex_value(src[i + 1]);
        if (hi < 0 || lo < 0) return ParseError::BadHex;
        dst[i / 2] = static_cast<u8>(hi << 4 | lo);
    }
    out_len = src_len / 2;
    return ParseError::Ok;
}

} // namespace gdb
