// The C memory/string primitives the compiler may call on its own. Only
// linked into freestanding images; host builds use the C library's.
#include "hv/lib/types.hpp"

extern "C" {

// Eight bytes per iteration, then the tail byte by byte. On CPUs with fast
// string moves (ERMS) a plain `rep movsb` would do as well, but QEMU's TCG
// executes a REP MOVS one iteration at a time: a 4 KiB grant copy costs 512
// iterations instead of 4,096, and grant copies of block I/O pages are most
// of the hypervisor's work under a block load.
void* memcpy(void* dst, const void* src, usize n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    usize words = n / 8, tail = n % 8;
    asm volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(tail) : : "memory");
    return dst;
}

void* memmove(void* dst, const void* src, usize n) {
    auto* d = static_cast<u8*>(dst);
    auto* s = static_cast<const u8*>(src);
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

// As memcpy: words first (the byte replicated), then the tail.
void* memset(void* dst, int c, usize n) {
    auto* d = static_cast<u8*>(dst);
    usize words = n / 8, tail = n % 8;
    u64 pattern = 0x0101010101010101ull * static_cast<u8>(c);
    asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
    return dst;
}

int memcmp(const void* a, const void* b, usize n) {
    auto* x = static_cast<const u8*>(a);
    auto* y = static_cast<const u8*>(b);
    for (usize i = 0; i < n; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

usize strlen(const char* s) {
    usize n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char* a, const char* b) {
    while (*a && *a == *b)
        a++, b++;
    return static_cast<u8>(*a) - static_cast<u8>(*b);
}

int strncmp(const char* a, const char* b, usize n) {
    for (usize i = 0; i < n; i++) {
        if (a[i] != b[i]) return static_cast<u8>(a[i]) - static_cast<u8>(b[i]);
        if (!a[i]) return 0;
    }
    return 0;
}

// Called if a pure virtual function is ever invoked: a hypervisor bug.
void __cxa_pure_virtual() {
    for (;;)
        asm volatile("cli; hlt");
}
}
