// What traps.S leaves on the stack for guest_trap_dispatch: the general
// registers it pushed, then vector and error code, then the part of the
// hypervisor's bounce frame (docs/pv-abi.md §5.3) that looks like a native
// interrupt frame. rcx and r11, which the bounce frame stores first, are
// already back in their registers and saved with the others.
#pragma once

#include "hv/lib/types.hpp"

#include <cstddef>

namespace guest {

struct TrapFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector;
    u64 error; // 0 for vectors without an error code
    u64 rip;   // writable: the handler may resume elsewhere
    u64 cs;    // bits 32-39: evtchn_upcall_mask before delivery
    u64 rflags;
    u64 rsp;
    u64 ss;
};
static_assert(sizeof(TrapFrame) == 22 * 8);
static_assert(offsetof(TrapFrame, vector) == 15 * 8);
static_assert(offsetof(TrapFrame, rip) == 17 * 8);

} // namespace guest
