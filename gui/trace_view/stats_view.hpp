// Per-hypercall and per-domain statistics of the filtered trace, optionally
// over a time range (the visible window): counts, failures, latency
// percentiles (traces/stats' summarize, so the numbers match `glass trace
// stats`) and latency histograms on a log scale.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/trace_model.hpp"
#include "traces/stats.hpp"

namespace glass::tv {

// Latency counts in bins four to an octave: bin b holds [2^(b/4), 2^((b+1)/4)) ns.
struct LatencyHistogram {
    static constexpr int kBinsPerOctave = 4;
    static constexpr int kBins = kBinsPerOctave * 34; // up to 2^34 ns, past a span's 4.29 s

    std::vector<u64> bins = std::vector<u64>(kBins, 0);
    u64 total = 0;

    void add(u64 ns) {
        bins[bin_of(ns)]++;
        total++;
    }
    static int bin_of(u64 ns);
    static double bin_low_ns(int b);  // lower edge
    static double bin_high_ns(int b); // upper edge (exclusive)
    // First and one past the last non-empty bin ([0, 0) when empty).
    std::pair<int, int> used_range() const;
};

struct CallStats {
    CallKind kind = kNoCall;
    u32 nr = 0;
    std::string name;
    u64 calls = 0;    // finished calls (latency counted)
    u64 failures = 0; // of those, result < 0
    u64 open = 0;     // still running when the trace ended
    u64 total_ns = 0;
    trace::Latency latency;
    LatencyHistogram histogram;
};

struct DomainStats {
    u16 domain = 0;
    u64 records = 0; // passing records of the domain in the range
    u64 calls = 0, failures = 0;
    trace::Latency latency;
    LatencyHistogram histogram;
};

struct TimeRange {
    u64 start_ns = 0, end_ns = 0; // [start, end)
};

struct StatsView {
    std::optional<TimeRange> range; // none: the whole trace
    u64 records = 0;                // passing records in range
    std::vector<CallStats> calls;   // most calls first
    std::vector<DomainStats> domains;
    LatencyHistogram all; // every call
    bool complete = true; // false when cancelled part way
};

// Spans count when they start inside the range.
StatsView compute_stats(const TraceModel& m, const FilteredTrace& f,
                        std::optional<TimeRange> range = std::nullopt,
                        const std::atomic<bool>* cancel = nullptr);

} // namespace glass::tv
