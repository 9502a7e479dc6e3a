// Domain snapshots: every domain in the registry with its life-cycle state,
// memory, scheduling parameters and vCPUs (saved registers, page-table
// roots, runstate). Saved registers are those of the last exit to the
// hypervisor: a vCPU that is running now has newer ones in the CPU.
#pragma once

#include "introspect/lib/outcome.hpp"
#include "introspect/lib/target.hpp"

#include <string>
#include <utility>
#include <vector>

namespace glass {

struct VcpuSnapshot {
    u32 id = 0;
    std::string state; // offline, runnable, running, blocked
    bool initialised = false;
    bool kernel_mode = false;
    u64 kernel_l4_mfn = 0; // CR3 in guest kernel mode
    u64 user_l4_mfn = 0;   // CR3 in guest user mode, 0 = none
    u64 cr2 = 0;
    std::vector<std::pair<std::string, u64>> regs; // in Regs order of the names below
    std::string runstate;                          // running, runnable, blocked, offline
    u64 runstate_ns[4] = {};                       // time in each runstate before the current one
    u64 state_entry_ns = 0;                        // system time the current runstate began
    u64 system_time_ns = 0; // its vcpu_info's system time (last update the hypervisor wrote)
    u64 vtime = 0;          // scheduler's weighted virtual time ("ns at weight 256")
    u64 run_start_ns = 0;   // system time it last started running

    u64 l4_mfn() const { return kernel_mode || !user_l4_mfn ? kernel_l4_mfn : user_l4_mfn; }
    u64 reg(const std::string& name) const;
};

struct DomainSnapshot {
    u16 id = 0;
    std::string state; // building, running, paused, shutdown, crashed, dying
    bool privileged = false;
    u32 shutdown_reason = 0;
    u64 nr_pages = 0, max_pages = 0;
    u64 shared_info_mfn = 0;
    u32 pause_count = 0, weight = 0, cap = 0;
    u64 used_in_period_ns = 0;          // CPU time charged in the current cap period
    u64 console_mfn = 0, store_mfn = 0; // builder-allocated rings (domUs), 0 = none
    u32 console_port = 0, store_port = 0;
    std::string cmdline;
    std::vector<VcpuSnapshot> vcpus;
    u64 struct_phys = 0; // machine address of the hypervisor's Domain
    u64 evtchn_phys = 0; // of its EvtchnTable, 0 = none
};

struct DomainsSnapshot {
    ReadStamp stamp;
    u64 now_ns = 0; // the hypervisor's published clock (phys.IntrospectClock), 0 if none
    std::vector<DomainSnapshot> domains; // by id
    const DomainSnapshot* find(u16 id) const;
};

Outcome<DomainsSnapshot> read_domains(const Target& t);

} // namespace glass
