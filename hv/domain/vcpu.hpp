// A virtual CPU of a PV domain: its saved registers and everything the
// guest registered with hypercalls (trap table, callbacks, kernel stack,
// GDT frames, page-table bases), plus the virtual privileged state the
// hypervisor emulates (CR2, CR4 bits, debug registers, IOPL).
#pragma once

#include "hv/abi/vcpu.hpp"
#include "hv/abi/xen.hpp"
#include "hv/arch/x86_64/regs.hpp"
#include "hv/core/sched/proportional_share.hpp"
#include "hv/core/time/timer_queue.hpp"
#include "hv/lib/types.hpp"

struct Domain;

// One entry of the guest's virtual IDT (set_trap_table).
struct VirtualTrap {
    u64 address; // 0 = no handler
    u16 cs;
    u8 flags; // xen::kTrapFlagDplMask | kTrapFlagMaskEvents
};

struct Callback {
    u64 address = 0;
    bool mask_events = false;
};

enum class VcpuState : u8 { offline, runnable, running, blocked };

// An exception or callback waiting to be delivered on the next return to
// the guest (built into a bounce frame by traps/bounce.cpp).
struct PendingTrap {
    bool pending = false;
    u8 vector = 0;
    bool has_error_code = false;
    u32 error_code = 0;
};

constexpr unsigned kMaxGdtFrames = 14;

struct Vcpu {
    Domain* domain = nullptr;
    unsigned id = 0;
    VcpuState state = VcpuState::offline;
    bool initialised = false;

    Regs regs{}; // guest registers while not loaded on a CPU
    bool kernel_mode = true;
    u64 kernel_l4_mfn = 0; // CR3 in guest kernel mode
    u64 user_l4_mfn = 0;   // CR3 in guest user mode (0 = none)

    VirtualTrap traps[256]{};
    Callback event_cb, failsafe_cb, syscall_cb, syscall32_cb, sysenter_cb, nmi_cb;
    u64 kernel_ss = 0, kernel_sp = 0; // stack_switch: bounce stack from user mode

    u64 gdt_frames[kMaxGdtFrames]{};
    unsigned gdt_frame_count = 0;
    unsigned gdt_ents = 0;
    u64 ldt_base = 0; // MMUEXT_SET_LDT
    u32 ldt_ents = 0;

    u64 fs_base = 0, gs_base_kernel = 0, gs_base_user = 0;
    u16 ds = 0, es = 0, fs = 0, gs = 0; // data selectors while not loaded

    // Virtual privileged state (docs/pv-abi.md §5.7).
    u64 cr2 = 0;
    bool cr0_ts = false;
    u64 cr4_guest_bits = 0; // TSD, DE, FSGSBASE, OSXSAVE as the guest set them
    u64 dr[4]{};
    u64 dr6 = 0xffff0ff0;
    u64 dr7 = 0x400;
    u8 iopl = 0;                   // virtual IOPL (physdev set_iopl / architectural_iopl)
    u64 misc_features_enables = 0; // MSR 0x140: CPUID faulting

    PendingTrap pending_trap;
    bool regs_replaced = false; // set by iret: the hypercall has no rax result
    bool in_multicall = false;
    // Recorder (hv/trace): hypercall nesting depth while recording, and one
    // bit per level whose entry went into the trace.
    u8 trace_nest = 0;
    u8 trace_recorded = 0;

    sched::ShareEntity share;           // virtual time for proportional sharing
    u64 run_start_ns = 0;               // when it last started running (for charging)
    xen::VcpuInfo* vcpu_info = nullptr; // hypervisor address of this vCPU's vcpu_info

    bool polling = false;     // blocked in SCHEDOP_poll
    u64 poll_deadline_ns = 0; // absolute system time; 0 = no timeout

    // Time (hv/time): the guest's timers, each raising VIRQ_TIMER (the
    // poll timer only ends a SCHEDOP_poll), and runstate accounting.
    hvtime::Timer singleshot_timer, periodic_timer, poll_timer;
    u64 periodic_period_ns = 10000000; // PV guests start with a 100 Hz tick
    u64 periodic_next_ns = 0;          // next periodic deadline while running
    xen::RunstateInfo runstate{xen::RUNSTATE_offline, 0, 0, {}};
    u64 runstate_guest_va = 0; // register_runstate_memory_area, 0 = none
    u64 vcpu_info_mfn = 0;     // register_vcpu_info frame, 0 = in shared_info
};
