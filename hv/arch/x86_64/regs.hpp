// The register frame built on hypervisor entry (entry.S), lowest address
// first: general registers pushed by the stubs, then the vector/error word,
// then the hardware interrupt frame. A guest's frame lives at a fixed place
// at the top of the CPU's stack block (CpuInfo::guest_regs), so TSS.RSP0 and
// the SYSCALL entry both build it there.
#pragma once

#include "hv/arch/x86_64/regs_asm.h"
#include "hv/lib/types.hpp"

#include <cstddef>

struct Regs {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    u32 error_code;
    u32 entry_vector; // 0..255, or kEntrySyscall for SYSCALL
    u64 rip, cs, rflags, rsp, ss;

    bool from_guest() const { return (cs & 3) != 0; }
};
static_assert(sizeof(Regs) == 21 * 8);

// Pseudo-vectors for entries that are not IDT vectors.
constexpr u32 kEntrySyscall = ENTRY_SYSCALL;     // SYSCALL from 64-bit code (LSTAR)
constexpr u32 kEntrySyscall32 = ENTRY_SYSCALL32; // SYSCALL from compat code (CSTAR)
constexpr u32 kEntrySysenter = ENTRY_SYSENTER;   // SYSENTER

// Offsets used by entry.S (checked here so C++ and asm agree).
static_assert(sizeof(Regs) == REGS_SIZE);
static_assert(offsetof(Regs, rax) == REGS_OFF_RAX);
static_assert(offsetof(Regs, error_code) == REGS_OFF_VECTOR);
static_assert(offsetof(Regs, rip) == REGS_OFF_RIP);
static_assert(offsetof(Regs, cs) == REGS_OFF_CS);
