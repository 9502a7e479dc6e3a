// MOV to/from DR0-DR7 (SDM Vol. 3B §17.2).
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

inline void write_dr(unsigned n, u64 v) {
    switch (n) {
    case 0:
        asm volatile("mov %0, %%dr0" : : "r"(v));
        break;
    case 1:
        asm volatile("mov %0, %%dr1" : : "r"(v));
        break;
    case 2:
        asm volatile("mov %0, %%dr2" : : "r"(v));
        break;
    case 3:
        asm volatile("mov %0, %%dr3" : : "r"(v));
        break;
    case 6:
        asm volatile("mov %0, %%dr6" : : "r"(v));
        break;
    case 7:
        asm volatile("mov %0, %%dr7" : : "r"(v));
        break;
    default:
        break;
    }
}

inline u64 read_dr6() {
    u64 v;
    asm volatile("mov %%dr6, %0" : "=r"(v));
    return v;
}

} // namespace arch
