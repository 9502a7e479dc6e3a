#include "introspect/lib/sched.hpp"

namespace glass {

SchedSnapshot sched_stats(const DomainsSnapshot& doms) {
    SchedSnapshot s;
    s.stamp = doms.stamp;
    s.now_ns = doms.now_ns;
    for (const DomainSnapshot& d : doms.domains)
        for (const VcpuSnapshot& v : d.vcpus)
            s.now_ns = v.system_time_ns > s.now_ns ? v.system_time_ns : s.now_ns;
    for (const DomainSnapshot& d : doms.domains) {
        SchedDomainSnapshot sd{d.id, d.weight, d.cap, d.used_in_period_ns, 0};
        for (const VcpuSnapshot& v : d.vcpus) {
            SchedVcpuSnapshot sv;
            sv.domid = d.id;
            sv.vcpu = v.id;
            sv.state = v.state;
            u64 t[4] = {v.runstate_ns[0], v.runstate_ns[1], v.runstate_ns[2], v.runstate_ns[3]};
            static const char* const kStates[4] = {"running", "runnable", "blocked", "offline"};
            for (unsigned i = 0; i < 4; i++)
                if (v.runstate == kStates[i] && s.now_ns > v.state_entry_ns)
                    t[i] += s.now_ns - v.state_entry_ns;
            sv.running_ns = t[0];
            sv.runnable_ns = t[1];
            sv.blocked_ns = t[2];
            sv.offline_ns = t[3];
            sv.vtime = v.vtime;
            sv.run_start_ns = v.run_start_ns;
            double online = double(sv.running_ns + sv.runnable_ns + sv.blocked_ns);
            if (online > 0) {
                sv.cpu_share = double(sv.running_ns) / online;
                sv.wait_share = double(sv.runnable_ns) / online;
            }
            sd.running_ns += sv.running_ns;
            s.vcpus.push_back(sv);
        }
        s.total_running_ns += sd.running_ns;
        s.domains.push_back(sd);
    }
    return s;
}

} // namespace glass
