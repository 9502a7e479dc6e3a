// Scheduler statistics: per domain its share parameters and use of the
// current cap period, per vCPU its state, time in each runstate, weighted
// virtual time (proportional share: the smallest runnable one runs next)
// and the CPU share it got since it was created. Built from one domains
// snapshot, so it has the same consistency. The hypervisor accounts a
// runstate when it ends; the current one is counted up to `now_ns`.
#pragma once

#include "introspect/lib/domains.hpp"

namespace glass {

struct SchedVcpuSnapshot {
    u16 domid = 0;
    u32 vcpu = 0;
    std::string state;
    u64 running_ns = 0, runnable_ns = 0, blocked_ns = 0, offline_ns = 0;
    u64 vtime = 0;
    u64 run_start_ns = 0;
    double cpu_share = 0;  // running / (running + runnable + blocked)
    double wait_share = 0; // runnable / (running + runnable + blocked): time it waited for a CPU
};

struct SchedDomainSnapshot {
    u16 domid = 0;
    u32 weight = 0, cap = 0; // cap: percent of one CPU, 0 = none
    u64 used_in_period_ns = 0;
    u64 running_ns = 0; // sum over its vCPUs
};

struct SchedSnapshot {
    ReadStamp stamp;
    // The hypervisor's published clock (at most 10 ms old), or else the
    // latest system time any vCPU's vcpu_info shows: runstate times include
    // the current state up to it (the host has no clock of the hypervisor's).
    u64 now_ns = 0;
    std::vector<SchedDomainSnapshot> domains;
    std::vector<SchedVcpuSnapshot> vcpus; // by domain, then vCPU
    u64 total_running_ns = 0;
};

SchedSnapshot sched_stats(const DomainsSnapshot& doms);

} // namespace glass
