// The Domains panel's rows: each domain's life-cycle state, memory, vCPUs
// and CPU time, with the CPU share it got since the previous snapshot
// (runstate "running" time is cumulative, so the share is its growth over
// the wall-clock time between the two reads).
#pragma once

#include "introspect/lib/domains.hpp"

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
    double cpu_pct = 0; // of one CPU, since the previous update (0 at first)
    u32 weight = 0, cap = 0;
    std::string cmdline;
};

class DomainsView {
  public:
    // `now_ns`: the host time the snapshot was taken.
    void update(const DomainsSnapshot& s, u64 now_ns);
    const std::vector<DomainRow>& rows() const { return rows_; }
    const DomainRow* find(u16 id) const;

  private:
    std::vector<DomainRow> rows_;
    std::map<u16, u64> last_cpu_ns_;
    u64 last_now_ns_ = 0;
};

u64 running_ns(const DomainSnapshot& d);
// The state to show: a pause through the control channel or a debugger stop
// raises the pause count while the life-cycle state stays "running".
std::string shown_state(const DomainSnapshot& d);

} // namespace glass::gui
