#include "hv/lib/format.hpp"

namespace {

struct Sink {
    char* buf;
    usize cap;
    usize len = 0;

    void put(char c) {
        if (len + 1 < cap) buf[len] = c;
        len++;
    }
    void finish() {
        if (cap) buf[len < cap ? len : cap - 1] = '\0';
    }
};

void put_padded(Sink& out, const char* s, usize n, int width, bool left, char pad) {
    int fill = width > static_cast<int>(n) ? width - static_cast<int>(n) : 0;
    if (!left)
        for (int i = 0; i < fill; i++)
            out.put(pad);
    for (usize i = 0; i < n; i++)
        out.put(s[i]);
    if (left)
        for (int i = 0; i < fill; i++)
            out.put(' ');
}

void put_number(Sink& out, u64 v, bool negative, unsigned base, bool upper, int width, bool left,
                char pad, const char* prefix) {
    char tmp[24];
    usize n = 0;
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    char text[32];
    usize len = 0;
    if (negative) text[len++] = '-';
    for (const char* p = prefix; *p; p++)
        text[len++] = *p;
    // Zero padding goes between the sign/prefix and the digits.
    if (pad == '0' && !left) {
        while (static_cast<int>(len + n) < width)
            text[len++] = '0';
    }
    while (n)
        text[len++] = tmp[--n];
    put_padded(out, text, len, width, left, ' ');
}

} // namespace

usize format_v(char* buf, usize cap, const char* fmt, va_list ap) {
    Sink out{buf, cap};
    for (const char* p = fmt; *p; p++) {
        if (*p != '%') {
            out.put(*p);
            continue;
        }
        p++;
        bool left = false;
        char pad = ' ';
        for (;; p++) {
            if (*p == '-')
                left = true;
            else if (*p == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        int longness = 0;
        while (*p == 'l' || *p == 'z') {
            longness++;
            p++;
        }
        auto fetch_unsigned = [&]() -> u64 {
            return longness ? va_arg(ap, u64) : va_arg(ap, unsigned);
        };
        switch (*p) {
        case 's': {
            const char* s = va_arg(ap, const char*);
            if (!s) s = "(null)";
            usize n = 0;
            while (s[n])
                n++;
            put_padded(out, s, n, width, left, ' ');
            break;
        }
        case 'c': {
            char c = static_cast<char>(va_arg(ap, int));
            put_padded(out, &c, 1, width, left, ' ');
            break;
        }
        case 'd':
        case 'i': {
            i64 v = longness ? va_arg(ap, i64) : va_arg(ap, int);
            bool neg = v < 0;
            u64 mag = neg ? 0 - static_cast<u64>(v) : static_cast<u64>(v);
            put_number(out, mag, neg, 10, false, width, left, pad, "");
            break;
        }
        case 'u':
            put_number(out, fetch_unsigned(), false, 10, false, width, left, pad, "");
            break;
        case 'x':
        case 'X':
            put_number(out, fetch_unsigned(), false, 16, *p == 'X', width, left, pad, "");
            break;
        case 'p':
            put_number(out, reinterpret_cast<uptr>(va_arg(ap, void*)), false, 16, false, width,
                       left, pad, "0x");
            break;
        case '%':
            out.put('%');
            break;
        case '\0':
            p--;
            break;
        default:
            out.put('%');
            out.put(*p);
            break;
        }
    }
    out.finish();
    return out.len;
}

usize format(char* buf, usize cap, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    usize n = format_v(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
