// Counts and hypercall latencies of a trace, computed record by record so
// any record source (file, live buffer) can feed it. Latency is exit time
// minus entry time on the same vCPU; multicall sub-calls nest.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "traces/record.hpp"

namespace glass::trace {

struct Latency {
    std::uint64_t count = 0;
    std::uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0; // ns
    double mean = 0;
};

struct TraceStats {
    std::uint64_t records = 0;
    std::uint64_t first_ns = 0, last_ns = 0;
    std::uint64_t lost = 0;            // sum of LostRecords counts
    std::uint64_t unmatched_exits = 0; // exits with no entry (recording began mid-call, or loss)
    std::uint64_t open_entries = 0;    // entries with no exit at the end
    std::map<std::uint16_t, std::uint64_t> per_type;
    std::map<std::uint16_t, std::uint64_t> per_domain_records;
    std::map<std::uint32_t, Latency> per_hypercall;
    std::map<std::uint16_t, Latency> per_domain; // hypercall latency
};

class StatsBuilder {
  public:
    void add(const RecordHeader& r);
    TraceStats finish();

  private:
    struct Open {
        std::uint32_t nr;
        std::uint64_t time_ns;
    };
    TraceStats s_;
    std::map<std::uint32_t, std::vector<Open>> open_; // by domain << 16 | vcpu
    std::map<std::uint32_t, std::vector<std::uint64_t>> by_nr_;
    std::map<std::uint16_t, std::vector<std::uint64_t>> by_domain_;
};

// Percentiles by nearest rank; sorts `ns` in place.
Latency summarize(std::vector<std::uint64_t>& ns);

} // namespace glass::trace
