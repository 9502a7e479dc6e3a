// One-line wrappers around privileged x86-64 instructions (SDM Vol. 2).
// All inline asm of the hypervisor's C++ lives in hv/arch/x86_64/.
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

inline void outb(u16 port, u8 v) {
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
inline void outl(u16 port, u32 v) {
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
inline u8 inb(u16 port) {
    u8 v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

inline u64 rdmsr(u32 msr) {
    u32 lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (static_cast<u64>(hi) << 32) | lo;
}
inline void wrmsr(u32 msr, u64 v) {
    asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<u32>(v)), "d"(static_cast<u32>(v >> 32)));
}

inline u64 read_cr0() {
    u64 v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
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
inline u64 read_cr4() {
    u64 v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
inline void write_cr0(u64 v) {
    asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
inline void write_cr3(u64 v) {
    asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
inline void write_cr4(u64 v) {
    asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

inline void invlpg(u64 va) {
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}
inline void flush_tlb_local() {
    write_cr3(read_cr3());
}

struct CpuidResult {
    u32 eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(u32 leaf, u32 subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid"
                 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                 : "a"(leaf), "c"(subleaf));
    return r;
}

inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<u64>(hi) << 32) | lo;
}

inline void cli() {
    asm volatile("cli" ::: "memory");
}
inline void sti() {
    asm volatile("sti" ::: "memory");
}
// sti takes effect after the next instruction, so "sti; hlt" cannot lose a
// wake-up interrupt between the two.
inline void sti_hlt() {
    asm volatile("sti; hlt; cli" ::: "memory");
}
[[noreturn]] inline void halt_forever() {
    for (;;)
        asm volatile("cli; hlt");
}

inline void pause() {
    asm volatile("pause");
}

// MSR numbers used by the hypervisor.
constexpr u32 MSR_EFER = 0xC0000080;
constexpr u32 MSR_STAR = 0xC0000081;
constexpr u32 MSR_LSTAR = 0xC0000082;
constexpr u32 MSR_CSTAR = 0xC0000083;
constexpr u32 MSR_SFMASK = 0xC0000084;
constexpr u32 MSR_FS_BASE = 0xC0000100;
constexpr u32 MSR_GS_BASE = 0xC0000101;
constexpr u32 MSR_KERNEL_GS_BASE = 0xC0000102;
constexpr u32 MSR_APIC_BASE = 0x1B;
constexpr u32 MSR_SYSENTER_CS = 0x174;
constexpr u32 MSR_SYSENTER_ESP = 0x175;
constexpr u32 MSR_SYSENTER_EIP = 0x176;

constexpr u64 EFER_SCE = 1u << 0;
constexpr u64 EFER_LME = 1u << 8;
constexpr u64 EFER_NXE = 1u << 11;

constexpr u64 CR0_TS = 1u << 3;
constexpr u64 CR0_WP = 1u << 16;
constexpr u64 CR4_DE = 1u << 3;
constexpr u64 CR4_PAE = 1u << 5;
constexpr u64 CR4_MCE = 1u << 6;
constexpr u64 CR4_PGE = 1u << 7;
constexpr u64 CR4_OSFXSR = 1u << 9;
constexpr u64 CR4_OSXMMEXCPT = 1u << 10;
constexpr u64 CR4_FSGSBASE = 1u << 16;
constexpr u64 CR4_OSXSAVE = 1u << 18;
constexpr u64 CR4_TSD = 1u << 2;

constexpr u64 RFLAGS_TF = 1u << 8;
constexpr u64 RFLAGS_IF = 1u << 9;
constexpr u64 RFLAGS_DF = 1u << 10;
constexpr u64 RFLAGS_IOPL = 3u << 12;
constexpr u64 RFLAGS_NT = 1u << 14;
constexpr u64 RFLAGS_RF = 1u << 16;
constexpr u64 RFLAGS_VM = 1u << 17;
constexpr u64 RFLAGS_AC = 1u << 18;

} // namespace arch
