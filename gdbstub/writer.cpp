// Bounded reply writer and qXfer document window (see writer.hpp).
#include "gdbstub/writer.hpp"

#include "gdbstub/escape.hpp"
#include "gdbstub/hex.hpp"

namespace gdb {

usize format_hex(u64 v, char (&buf)[16]) {
    usize n = 0;
    int shift = 60;
    while (shift > 0 && ((v >> shift) & 0xf) == 0)
        shift -= 4;
    for (; shift >= 0; shift -= 4)
        buf[n++] = hex_digit(static_cast<unsigned>(v >> shift));
    return n;
}

usize format_dec(u64 v, char (&buf)[20]) {
    char tmp[20];
    usize n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    for (usize i = 0; i < n; ++i)
        buf[i] = tmp[n - 1 - i];
    return n;
}

void Writer::put(char c) {
    if (len_ == cap_) {
        overflow_ = true;
        return;
    }
    buf_[len_++] = static_cast<u8>(c);
}

void Writer::put(const char* s) {
    while (*s)
        put(*s++);
}

void Writer::put(const char* s, usize n) {
    for (usize i = 0; i < n; ++i)
        put(s[i]);
}

void Writer::put_hex(u64 v) {
    char b[16];
    put(b, format_hex(v, b));
}

void Writer::put_dec(u64 v) {
    char b[20];
    put(b, format_dec(v, b));
}

void Writer::put_hex_bytes(const u8* p, usize n) {
    for (usize i = 0; i < n; ++i) {
        put(hex_digit(p[i] >> 4));
        put(hex_digit(p[i]));
    }
}

bool Writer::put_binary(u8 b) {
    bool esc = needs_escape(b);
    if (room() < (esc ? 2u : 1u)) return false;
    if (esc) {
        buf_[len_++] = kEscapeChar;
        b ^= kEscapeXor;
    }
    buf_[len_++] = b;
    return true;
}

void DocWindow::put(char c) {
    u64 at = pos_++;
    if (cut_ || at < offset_) return;
    if (sent_ == length_ || !out_.put_binary(static_cast<u8>(c))) {
        cut_ = true;
        return;
    }
    ++sent_;
}

void DocWindow::put(const char* s) {
    while (*s)
        put(*s++);
}

void DocWindow::put_hex(u64 v) {
    char b[16];
    usize n = format_hex(v, b);
    for (usize i = 0; i < n; ++i)
        put(b[i]);
}

void DocWindow::put_dec(u64 v) {
    char b[20];
    usize n = format_dec(v, b);
    for (usize i = 0; i < n; ++i)
        put(b[i]);
}

} // namespace gdb
