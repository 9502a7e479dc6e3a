// Guest-visible structures of the 64-bit PV ABI (public/xen.h and
// public/arch-x86/xen.h). Offsets and sizes are those Xen's own headers give
// for x86-64 (docs/pv-abi.md §1.8, §1.9, §3.3) and are checked below.
#pragma once

#include "hv/lib/types.hpp"

#include <cstddef>

namespace xen {

// --- start_info ------------------------------------------------------------
constexpr u32 SIF_PRIVILEGED = 1u << 0;
constexpr u32 SIF_INITDOMAIN = 1u << 1;
constexpr u32 SIF_MULTIBOOT_MOD = 1u << 2;
constexpr u32 SIF_MOD_START_PFN = 1u << 3;
constexpr u32 SIF_VIRT_P2M_4TOOLS = 1u << 4;
constexpr u32 SIF_PM_MASK = 0xFFu << 8;
constexpr unsigned MAX_GUEST_CMDLINE = 1024;

// Filled by the domain builder; the guest finds it through rsi at entry.
struct StartInfo {
    char magic[32];  // "xen-3.0-x86_64"
    u64 nr_pages;    // total pages of the domain
    u64 shared_info; // MACHINE address of the shared_info page
    u32 flags;       // SIF_*
    u32 pad0;
    u64 store_mfn; // xenstore ring (domU)
    u32 store_evtchn;
    u32 pad1;
    union {
        struct {
            u64 mfn; // console ring (domU)
            u32 evtchn;
        } domU;
        struct {
            u32 info_off; // offset of dom0_vga_console_info, or 0
            u32 info_size;
        } dom0;
    } console;
    u64 pt_base;      // VA of the bootstrap L4
    u64 nr_pt_frames; // number of bootstrap page-table frames
    u64 mfn_list;     // VA of the p2m array
    u64 mod_start;    // VA (or PFN) of the initial module
    u64 mod_len;
    char cmd_line[MAX_GUEST_CMDLINE];
    u64 first_p2m_pfn;
    u64 nr_p2m_frames;
};
static_assert(sizeof(StartInfo) == 1168);
static_assert(offsetof(StartInfo, nr_pages) == 32);
static_assert(offsetof(StartInfo, shared_info) == 40);
static_assert(offsetof(StartInfo, flags) == 48);
static_assert(offsetof(StartInfo, store_mfn) == 56);
static_assert(offsetof(StartInfo, store_evtchn) == 64);
static_assert(offsetof(StartInfo, console) == 72);
static_assert(offsetof(StartInfo, pt_base) == 88);
static_assert(offsetof(StartInfo, nr_pt_frames) == 96);
static_assert(offsetof(StartInfo, mfn_list) == 104);
static_assert(offsetof(StartInfo, mod_start) == 112);
static_assert(offsetof(StartInfo, mod_len) == 120);
static_assert(offsetof(StartInfo, cmd_line) == 128);
static_assert(offsetof(StartInfo, first_p2m_pfn) == 1152);
static_assert(offsetof(StartInfo, nr_p2m_frames) == 1160);

// --- vcpu_info / shared_info -------------------------------------------------
struct VcpuTimeInfo {
    u32 version; // odd while the hypervisor updates the record
    u32 pad0;
    u64 tsc_timestamp; // TSC at the last update
    u64 system_time;   // ns since boot at that TSC
    u32 tsc_to_system_mul;
    i8 tsc_shift;
    u8 flags; // XEN_PVCLOCK_*
    u8 pad1[2];
};
static_assert(sizeof(VcpuTimeInfo) == 32);

struct VcpuInfo {
    u8 evtchn_upcall_pending; // set by the hypervisor; guest clears before scanning
    u8 evtchn_upcall_mask;    // guest's virtual "IF = 0"
    u8 pad0[6];
    u64 evtchn_pending_sel; // one bit per word of evtchn_pending[]
    u64 cr2;                // arch.cr2: address of the last #PF delivered
    u64 arch_pad;
    VcpuTimeInfo time;
};
static_assert(sizeof(VcpuInfo) == 64);
static_assert(offsetof(VcpuInfo, evtchn_pending_sel) == 8);
static_assert(offsetof(VcpuInfo, cr2) == 16);
static_assert(offsetof(VcpuInfo, time) == 32);

constexpr unsigned XEN_LEGACY_MAX_VCPUS = 32;
constexpr unsigned kEvtchnWords = 64; // 64-bit guests: 64 x 64 = 4096 ports

struct SharedInfo {
    VcpuInfo vcpu_info[XEN_LEGACY_MAX_VCPUS];
    u64 evtchn_pending[kEvtchnWords];
    u64 evtchn_mask[kEvtchnWords];
    u32 wc_version; // odd while being updated
    u32 wc_sec;
    u32 wc_nsec;
    u32 wc_sec_hi;
    u64 max_pfn;
    u64 pfn_to_mfn_frame_list_list;
    u64 nmi_reason;
    u64 p2m_cr3;
    u64 p2m_vaddr;
    u64 p2m_generation;
};
static_assert(sizeof(SharedInfo) == 3136);
static_assert(offsetof(SharedInfo, evtchn_pending) == 2048);
static_assert(offsetof(SharedInfo, evtchn_mask) == 2560);
static_assert(offsetof(SharedInfo, wc_version) == 3072);
static_assert(offsetof(SharedInfo, max_pfn) == 3088);
static_assert(offsetof(SharedInfo, p2m_generation) == 3128);

// --- trap table, callbacks, iret -------------------------------------------
struct TrapInfo {
    u8 vector;
    u8 flags; // bits 0-1: DPL for software INT n; bit 2: mask events on entry
    u16 cs;
    u32 pad;
    u64 address; // 0 terminates a set_trap_table list
};
static_assert(sizeof(TrapInfo) == 16);
constexpr u8 kTrapFlagDplMask = 3;
constexpr u8 kTrapFlagMaskEvents = 4;

struct CallbackRegister {
    u16 type;
    u16 flags;
    u32 pad;
    u64 address;
};
static_assert(sizeof(CallbackRegister) == 16);

struct CallbackUnregister {
    u16 type;
    u16 pad;
};
static_assert(sizeof(CallbackUnregister) == 4);

// Frame the guest leaves on its stack for the iret hypercall (lowest first).
struct IretContext {
    u64 rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(IretContext) == 72);
constexpr u64 VGCF_i387_valid = 1u << 0;
constexpr u64 VGCF_in_kernel = 1u << 2;
constexpr u64 VGCF_failsafe_disables_events = 1u << 3;
constexpr u64 VGCF_syscall_disables_events = 1u << 4;
constexpr u64 VGCF_online = 1u << 5;
constexpr u64 VGCF_in_syscall = 1u << 8;

// --- memory management ------------------------------------------------------
struct MmuUpdate {
    u64 ptr; // machine address of the entry; low 3 bits = command
    u64 val;
};
static_assert(sizeof(MmuUpdate) == 16);
constexpr unsigned MMU_NORMAL_PT_UPDATE = 0;
constexpr unsigned MMU_MACHPHYS_UPDATE = 1;
constexpr unsigned MMU_PT_UPDATE_PRESERVE_AD = 2;
constexpr unsigned MMU_PT_UPDATE_NO_TRANSLATE = 3;

struct MmuextOp {
    u32 cmd;
    u32 pad;
    u64 arg1; // mfn or linear_addr
    u64 arg2; // nr_ents, vcpumask pointer or src_mfn
};
static_assert(sizeof(MmuextOp) == 24);

enum MmuextCmd : u32 {
    MMUEXT_PIN_L1_TABLE = 0,
    MMUEXT_PIN_L2_TABLE = 1,
    MMUEXT_PIN_L3_TABLE = 2,
    MMUEXT_PIN_L4_TABLE = 3,
    MMUEXT_UNPIN_TABLE = 4,
    MMUEXT_NEW_BASEPTR = 5,
    MMUEXT_TLB_FLUSH_LOCAL = 6,
    MMUEXT_INVLPG_LOCAL = 7,
    MMUEXT_TLB_FLUSH_MULTI = 8,
    MMUEXT_INVLPG_MULTI = 9,
    MMUEXT_TLB_FLUSH_ALL = 10,
    MMUEXT_INVLPG_ALL = 11,
    MMUEXT_FLUSH_CACHE = 12,
    MMUEXT_SET_LDT = 13,
    MMUEXT_NEW_USER_BASEPTR = 15,
    MMUEXT_CLEAR_PAGE = 16,
    MMUEXT_COPY_PAGE = 17,
    MMUEXT_FLUSH_CACHE_GLOBAL = 18,
    MMUEXT_MARK_SUPER = 19,
    MMUEXT_UNMARK_SUPER = 20,
};

struct MulticallEntry {
    u64 op;
    u64 result;
    u64 args[6];
};
static_assert(sizeof(MulticallEntry) == 64);

// --- sched_op / sysctl -----------------------------------------------------
struct SchedShutdown {
    u32 reason;
};

struct SchedPoll {
    u64 ports; // guest pointer to u32[]
    u32 nr_ports;
    u32 pad;
    u64 timeout; // absolute system time in ns, 0 = none
};
static_assert(sizeof(SchedPoll) == 24);

struct SysctlHeader {
    u32 cmd;
    u32 interface_version;
};
constexpr unsigned kSysctlSize = 136;

} // namespace xen
