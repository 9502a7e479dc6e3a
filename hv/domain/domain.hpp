// A PV domain: its vCPUs, memory, shared_info page and life-cycle state.
#pragma once

#include "hv/abi/xen.hpp"
#include "hv/core/evtchn/port_table.hpp"
#include "hv/core/mm/domain_mm.hpp"
#include "hv/core/sched/proportional_share.hpp"
#include "hv/domain/vcpu.hpp"
#include "hv/lib/types.hpp"

constexpr unsigned kMaxVcpus = 8;

enum class DomainState : u8 { building, running, paused, shutdown, crashed, dying };

struct Domain {
    u16 id = 0;
    bool privileged = false; // domain 0: may use control and platform calls
    DomainState state = DomainState::building;
    u32 shutdown_reason = 0;

    Vcpu vcpus[kMaxVcpus];
    unsigned nr_vcpus = 0;

    u64 nr_pages = 0;  // frames currently owned
    u64 max_pages = 0; // reservation limit
    u64 shared_info_mfn = 0;
    xen::SharedInfo* shared_info = nullptr; // hypervisor mapping
    u64 vm_assist = 0;                      // enabled VMASST_TYPE_* bits

    mm::DomainMm mm; // what the frame-typing core needs to know about us

    EvtchnTable* evtchn = nullptr; // constructed in evtchn_storage by evtchn_init_domain
    alignas(EvtchnTable) u8 evtchn_storage[sizeof(EvtchnTable)];

    // Runs only at 0. Every pause counts here; two owners are also counted
    // apart so each can undo only its own (as Xen's controller_pause_count):
    // domain 0's control interface (created paused: 1) and the host's tools
    // after domain 0 handed them one (DOMCTL_glass_hand_to_host). The
    // debugger's stops are counted by its own list (hv/debug/gdb_target).
    u32 pause_count = 0;
    u32 controller_pauses = 0;
    u32 host_pauses = 0;
    u8 cmos_index = 0;       // its latched port 0x70 (hv/core/x86/guest_ports)
    sched::ShareGroup share; // weight and cap (hv/core/sched/proportional_share)

    // domU rings for domain 0's backends (builder-allocated).
    u64 console_mfn = 0, store_mfn = 0;
    u32 console_port = 0, store_port = 0;

    char cmdline[xen::MAX_GUEST_CMDLINE] = {};
    bool console_at_line_start = true;
    const char* hv_cmdline = ""; // shown to privileged domains (XENVER_commandline)
};
