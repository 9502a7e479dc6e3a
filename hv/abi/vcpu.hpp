// vCPU control structures of the 64-bit PV ABI (public/vcpu.h and the
// x86 vcpu_guest_context): docs/pv-abi.md §3.3, §3.4.16.
#pragma once

#include "hv/abi/xen.hpp"
#include "hv/lib/types.hpp"

#include <cstddef>

namespace xen {

// --- vcpu_op commands (§3.4.16) ---------------------------------------------
constexpr int VCPUOP_initialise = 0;
constexpr int VCPUOP_up = 1;
constexpr int VCPUOP_down = 2;
constexpr int VCPUOP_is_up = 3;
constexpr int VCPUOP_get_runstate_info = 4;
constexpr int VCPUOP_register_runstate_memory_area = 5;
constexpr int VCPUOP_set_periodic_timer = 6;
constexpr int VCPUOP_stop_periodic_timer = 7;
constexpr int VCPUOP_set_singleshot_timer = 8;
constexpr int VCPUOP_stop_singleshot_timer = 9;
constexpr int VCPUOP_register_vcpu_info = 10;
constexpr int VCPUOP_send_nmi = 11;
constexpr int VCPUOP_get_physid = 12;

// --- runstate ---------------------------------------------------------------
constexpr int RUNSTATE_running = 0;  // currently on a physical CPU
constexpr int RUNSTATE_runnable = 1; // ready, waiting for a CPU
constexpr int RUNSTATE_blocked = 2;  // waiting for an event (block, poll)
constexpr int RUNSTATE_offline = 3;  // down, paused or not yet up
constexpr unsigned kNrRunstates = 4;

struct RunstateInfo {
    i32 state;
    u32 pad;
    u64 state_entry_time;   // system time (ns) of the last state change
    u64 time[kNrRunstates]; // ns spent in each state, up to state_entry_time
};
static_assert(sizeof(RunstateInfo) == 48);
static_assert(offsetof(RunstateInfo, state_entry_time) == 8);
static_assert(offsetof(RunstateInfo, time) == 16);

// register_runstate_memory_area: a guest virtual address.
struct RegisterRunstateMemoryArea {
    u64 addr;
};

// --- timers -------------------------------------------------------------------
struct SetPeriodicTimer {
    u64 period_ns;
};
struct SetSingleshotTimer {
    u64 timeout_abs_ns; // absolute system time
    u32 flags;          // VCPU_SSHOTTMR_*
    u32 pad;
};
static_assert(sizeof(SetSingleshotTimer) == 16);
constexpr u32 VCPU_SSHOTTMR_future = 1u << 0; // -ETIME if the deadline passed

// --- register_vcpu_info -------------------------------------------------------
struct RegisterVcpuInfo {
    u64 mfn;    // frame holding the new vcpu_info
    u32 offset; // byte offset in that frame
    u32 rsvd;   // must be 0
};
static_assert(sizeof(RegisterVcpuInfo) == 16);

// --- vcpu_guest_context (§3.3, 5168 bytes) -------------------------------------
struct CpuUserRegs {
    u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    u32 error_code;
    u32 entry_vector;
    u64 rip;
    u16 cs;
    u16 pad0;
    u8 saved_upcall_mask;
    u8 pad1[3];
    u64 rflags;
    u64 rsp;
    u16 ss, pad2[3];
    u16 es, pad3[3];
    u16 ds, pad4[3];
    u16 fs, pad5[3];
    u16 gs, pad6[3];
};
static_assert(sizeof(CpuUserRegs) == 200);
static_assert(offsetof(CpuUserRegs, error_code) == 120);
static_assert(offsetof(CpuUserRegs, rip) == 128);
static_assert(offsetof(CpuUserRegs, cs) == 136);
static_assert(offsetof(CpuUserRegs, saved_upcall_mask) == 140);
static_assert(offsetof(CpuUserRegs, rflags) == 144);
static_assert(offsetof(CpuUserRegs, ss) == 160);
static_assert(offsetof(CpuUserRegs, gs) == 192);

struct VcpuGuestContext {
    u8 fpu_ctxt[512]; // FXSAVE image
    u64 flags;        // VGCF_*
    CpuUserRegs user_regs;
    TrapInfo trap_ctxt[256];
    u64 ldt_base, ldt_ents;
    u64 gdt_frames[16];
    u64 gdt_ents;
    u64 kernel_ss, kernel_sp;
    u64 ctrlreg[8]; // ctrlreg[3]: kernel L4 as cr3; ctrlreg[1]: user L4
    u64 debugreg[8];
    u64 event_callback_eip;
    u64 failsafe_callback_eip;
    u64 syscall_callback_eip;
    u64 vm_assist;
    u64 fs_base;
    u64 gs_base_kernel;
    u64 gs_base_user;
};
static_assert(sizeof(VcpuGuestContext) == 5168);
static_assert(offsetof(VcpuGuestContext, flags) == 512);
static_assert(offsetof(VcpuGuestContext, user_regs) == 520);
static_assert(offsetof(VcpuGuestContext, trap_ctxt) == 720);
static_assert(offsetof(VcpuGuestContext, ldt_base) == 4816);
static_assert(offsetof(VcpuGuestContext, ldt_ents) == 4824);
static_assert(offsetof(VcpuGuestContext, gdt_frames) == 4832);
static_assert(offsetof(VcpuGuestContext, gdt_ents) == 4960);
static_assert(offsetof(VcpuGuestContext, kernel_ss) == 4968);
static_assert(offsetof(VcpuGuestContext, kernel_sp) == 4976);
static_assert(offsetof(VcpuGuestContext, ctrlreg) == 4984);
static_assert(offsetof(VcpuGuestContext, debugreg) == 5048);
static_assert(offsetof(VcpuGuestContext, event_callback_eip) == 5112);
static_assert(offsetof(VcpuGuestContext, failsafe_callback_eip) == 5120);
static_assert(offsetof(VcpuGuestContext, syscall_callback_eip) == 5128);
static_assert(offsetof(VcpuGuestContext, vm_assist) == 5136);
static_assert(offsetof(VcpuGuestContext, fs_base) == 5144);
static_assert(offsetof(VcpuGuestContext, gs_base_user) == 5160);

// cr3 <-> frame number for 64-bit guests (xen_cr3_to_pfn).
constexpr u64 cr3_to_mfn(u64 cr3) {
    return cr3 >> 12;
}

} // namespace xen
