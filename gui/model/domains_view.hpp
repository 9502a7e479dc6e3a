// The Domains panel's rows: each domain's life-cycle state, memory, vCPUs
// and CPU time, with the CPU share it got over about the last second.
// Both the CPU time and the clock it is divided by are the hypervisor's
// (runstate times and phys.IntrospectClock): runstate totals only grow when
// a vCPU leaves "running", so a spinner's total jumps at each preemption,
// and dividing such jumps by host time between two 60 Hz reads gave shares
// of 190 % for one vCPU.
#pragma once

#include "introspect/lib/domains.hpp"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace glass::gui {

struct DomainRow {
    u16 id = 0;
    std::string state;
    bool paused = false;
    u64 mem_kib = 0, max_kib = 0;
    unsigned vcpus = 0, vcpus_online = 0;
    u64 cpu_ns = 0;     // running time over all vCPUs
    double cpu_pct = 0; // of one CPU, over the last ~second (0 until two reads)
    u32 weight = 0, cap = 0;
    std::string cmdline;
};

class DomainsView {
  public:
    // The share is measured over at least this much hypervisor time (the
    // published clock moves in steps of up to 10 ms).
    static constexpr u64 kWindowNs = 1'000'000'000;
    // `host_now_ns`: the host time of the read, used only when the
    // snapshot carries no hypervisor clock (s.now_ns == 0).
    void update(const DomainsSnapshot& s, u64 host_now_ns);
    const std::vector<DomainRow>& rows() const { return rows_; }
    const DomainRow* find(u16 id) const;

  private:
    struct Sample {
        u64 clock_ns, cpu_ns;
    };
    std::vector<DomainRow> rows_;
    std::map<u16, std::deque<Sample>> history_;
    bool host_clock_ = false; // which clock history_ is in
};

// Running time of all the domain's vCPUs up to `now_ns` (hypervisor system
// time): finished stints plus the current one of each running vCPU.
u64 running_ns(const DomainSnapshot& d, u64 now_ns);
// The state to show: a pause through the control channel or a debugger stop
// raises the pause count while the life-cycle state stays "running".
std::string shown_state(const DomainSnapshot& d);

} // namespace glass::gui
