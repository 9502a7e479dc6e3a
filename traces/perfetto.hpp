// Chrome trace-event JSON (opened by Perfetto and chrome://tracing): one
// process per domain, one thread (track) per vCPU, hypercalls as complete
// ("X") events, everything else as instant events on the vCPU's track.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <vector>

#include "traces/record.hpp"

namespace glass::trace {

class PerfettoExporter {
  public:
    explicit PerfettoExporter(std::ostream& out);
    void add(const RecordHeader& r);
    // Closes hypercalls still open at the end as ending at the last record.
    void finish();
    std::uint64_t events() const { return events_; }

  private:
    struct Open {
        std::uint32_t nr;
        std::uint64_t time_ns;
        std::uint64_t args[2];
    };
    void track(std::uint16_t domain, std::uint16_t vcpu);
    void begin_event();
    void complete(std::uint16_t domain, std::uint16_t vcpu, const Open& o, std::uint64_t end_ns,
                  const char* result);

    std::ostream& out_;
    std::uint64_t events_ = 0;
    std::uint64_t last_ns_ = 0;
    std::set<std::uint16_t> domains_;
    std::set<std::uint32_t> tracks_;
    std::map<std::uint32_t, std::vector<Open>> open_;
};

} // namespace glass::trace
