// Declarations of the C memory/string primitives, usable from portable code
// both freestanding (hv/lib/string.cpp) and on the host (the C library).
#pragma once

#include "hv/lib/types.hpp"

extern "C" {
void* memcpy(void* dst, const void* src, usize n);
void* memmove(void* dst, const void* src, usize n);
void* memset(void* dst, int c, usize n);
int memcmp(const void* a, const void* b, usize n);
usize strlen(const char* s);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, usize n);
}

// Bounded copy that always NUL-terminates (when cap > 0). Returns the length
// copied, excluding the terminator.
inline usize copy_string(char* dst, usize cap, const char* src) {
    if (cap == 0) return 0;
    usize n = 0;
    while (n + 1 < cap && src[n]) {
        dst[n] = src[n];
        n++;
    }
    dst[n] = '\0';
    return n;
}
