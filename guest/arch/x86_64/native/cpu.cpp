#include "guest/arch/x86_64/native/cpu.hpp"

#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/layout.h"

extern "C" {
extern const u64 native_trap_entries[20];
extern u64 native_entry_stack_top;
void native_syscall_entry();
}

namespace guest::native {
namespace {

constexpr u32 kMsrEfer = 0xc0000080;
constexpr u32 kMsrStar = 0xc0000081;
constexpr u32 kMsrLstar = 0xc0000082;
constexpr u32 kMsrSfmask = 0xc0000084;
constexpr u64 kEferSce = 1u << 0;
// Cleared on SYSCALL: interrupts, single step, direction, alignment check.
constexpr u64 kSyscallMask = (1u << 9) | (1u << 8) | (1u << 10) | (1u << 18);
constexpr unsigned kVectors = 20;
constexpr unsigned kBreakpoint = 3;

// 64-bit TSS (SDM 3A §8.7).
struct [[gnu::packed]] Tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] Gate {
    u16 offset_lo, selector;
    u8 ist, type;
    u16 offset_mid;
    u32 offset_hi, reserved;
};
static_assert(sizeof(Gate) == 16);

struct [[gnu::packed]] TablePointer {
    u16 limit;
    u64 base;
};

alignas(16) Tss g_tss;
alignas(16) Gate g_idt[kVectors];
// Order fixed by layout.h (SYSRET's STAR arithmetic); the TSS takes two slots.
alignas(16) u64 g_gdt[8] = {
    0,
    0x00af9a000000ffff, // NATIVE_KERNEL_CS: 64-bit code, DPL 0
    0x00cf92000000ffff, // NATIVE_KERNEL_DS
    0x00cffa000000ffff, // NATIVE_USER_CS32: unused, STAR's base for SYSRET
    0x00cff2000000ffff, // NATIVE_USER_DS, DPL 3
    0x00affa000000ffff, // NATIVE_USER_CS: 64-bit code, DPL 3
    0,
    0,
};

void load_gdt() {
    u64 base = reinterpret_cast<u64>(&g_tss);
    u64 limit = sizeof(Tss) - 1;
    g_gdt[NATIVE_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                            (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    g_gdt[NATIVE_TSS / 8 + 1] = base >> 32;
    g_tss.iomap_base = sizeof(Tss); // no I/O bitmap: ring 3 gets no ports
    TablePointer p{sizeof(g_gdt) - 1, reinterpret_cast<u64>(g_gdt)};
    // Reload CS with a far return, then the data segments and TR.
    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %2, %%ds\n\t"
                 "mov %2, %%es\n\t"
                 "mov %2, %%ss\n\t"
                 "ltr %w3"
                 :
                 : "m"(p), "i"(NATIVE_KERNEL_CS), "r"(NATIVE_KERNEL_DS), "r"(NATIVE_TSS)
                 : "rax", "memory");
}

void load_idt() {
    for (unsigned v = 0; v < kVectors; v++) {
        u64 entry = native_trap_entries[v];
        u8 dpl = v == kBreakpoint ? 3 : 0; // int3 allowed from ring 3
        g_idt[v] = {static_cast<u16>(entry),
                    NATIVE_KERNEL_CS,
                    0,
                    static_cast<u8>(0x8e | (dpl << 5)), // present interrupt gate
                    static_cast<u16>(entry >> 16),
                    static_cast<u32>(entry >> 32),
                    0};
    }
    TablePointer p{sizeof(g_idt) - 1, reinterpret_cast<u64>(g_idt)};
    asm volatile("lidt %0" : : "m"(p));
}

} // namespace

void cpu_init() {
    load_gdt();
    load_idt();
    wrmsr(kMsrEfer, rdmsr(kMsrEfer) | kEferSce);
    // SYSCALL: CS = STAR[47:32], SS = +8; SYSRET to 64-bit: CS = STAR[63:48]
    // + 16, SS = STAR[63:48] + 8, both with RPL 3 (SDM 2B).
    wrmsr(kMsrStar, (u64{NATIVE_USER_CS32} << 48) | (u64{NATIVE_KERNEL_CS} << 32));
    wrmsr(kMsrLstar, reinterpret_cast<u64>(&native_syscall_entry));
    wrmsr(kMsrSfmask, kSyscallMask);
}

void set_entry_stack(u64 top) {
    g_tss.rsp[0] = top;
    native_entry_stack_top = top;
}

} // namespace guest::native
