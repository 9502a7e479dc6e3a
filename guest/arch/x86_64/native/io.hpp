// Port I/O and MSR one-liners for the native kernel (SDM Vol. 2: IN, OUT,
// RDMSR, WRMSR), and the control registers it touches.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::native {

inline void outb(u16 port, u8 v) {
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
inline u8 inb(u16 port) {
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
inline void outl(u16 port, u32 v) {
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (static_cast<u64>(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<u32>(v)), "d"(static_cast<u32>(v >> 32)));
}
inline u64 read_cr2() {
    u64 v;
    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
inline u64 read_cr3() {
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
inline void write_cr3(u64 v) {
    asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

} // namespace guest::native
