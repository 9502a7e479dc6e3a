#include "gui/trace_view/stats_view.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "traces/names.hpp"

namespace glass::tv {

int LatencyHistogram::bin_of(u64 ns) {
    if (ns <= 1) return 0;
    int b = int(std::floor(std::log2(double(ns)) * kBinsPerOctave));
    // log2 rounding can put an exact edge one bin low or high.
    while (b + 1 < kBins && bin_low_ns(b + 1) <= double(ns))
        b++;
    while (b > 0 && bin_low_ns(b) > double(ns))
        b--;
    return std::clamp(b, 0, kBins - 1);
}

double LatencyHistogram::bin_low_ns(int b) {
    return b == 0 ? 0.0 : std::exp2(double(b) / kBinsPerOctave);
}

double LatencyHistogram::bin_high_ns(int b) {
    return std::exp2(double(b + 1) / kBinsPerOctave);
}

std::pair<int, int> LatencyHistogram::used_range() const {
    int lo = 0, hi = kBins;
    while (lo < hi && bins[lo] == 0)
        lo++;
    while (hi > lo && bins[hi - 1] == 0)
        hi--;
    return lo < hi ? std::pair{lo, hi} : std::pair{0, 0};
}

StatsView compute_stats(const TraceModel& m, const FilteredTrace& f, std::optional<TimeRange> range,
                        const std::atomic<bool>* cancel) {
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    StatsView out;
    out.range = range;
    const u64 t0 = range ? range->start_ns : 0;
    const u64 t1 = range ? range->end_ns : ~u64(0);

    std::vector<CallStats> calls(m.call_kinds());
    std::vector<std::vector<u64>> call_ns(m.call_kinds());
    std::map<u16, DomainStats> domains;
    std::map<u16, std::vector<u64>> domain_ns;

    for (const FilteredTrack& ft : f.tracks()) {
        if (cancelled()) break;
        const Track& t = m.tracks()[ft.track];
        DomainStats& ds = domains[t.domain];
        ds.domain = t.domain;
        auto& dns = domain_ns[t.domain];
        for (std::size_t l = 0; l < t.levels.size(); l++) {
            const auto& spans = t.levels[l].spans;
            const Selection& sel = ft.levels[l].spans;
            const std::size_t n = sel.size(spans.size());
            // Spans are sorted by start: find the range's first by search.
            std::size_t a = 0, b = n;
            while (a < b) {
                std::size_t mid = (a + b) / 2;
                if (spans[sel.at(mid)].start_ns < t0) {
                    a = mid + 1;
                } else {
                    b = mid;
                }
            }
            for (std::size_t i = a; i < n; i++) {
                const Span& s = spans[sel.at(i)];
                if (s.start_ns >= t1) break;
                CallStats& cs = calls[s.call];
                if (s.flags & kSpanOpen) {
                    cs.open++;
                    continue;
                }
                cs.calls++;
                cs.total_ns += s.duration_ns;
                cs.histogram.add(s.duration_ns);
                call_ns[s.call].push_back(s.duration_ns);
                ds.calls++;
                ds.histogram.add(s.duration_ns);
                dns.push_back(s.duration_ns);
                out.all.add(s.duration_ns);
                if (s.flags & kSpanFailed) {
                    cs.failures++;
                    ds.failures++;
                }
            }
        }
    }

    // Records per domain over the passing rows in range (record bounds by
    // the running clock, then each row's own time).
    u64 first = 0, last = f.row_count();
    if (range) {
        const u32 b = t0 ? m.last_record_at_or_before(t0 - 1) : kNoRecord;
        const u32 e = t1 ? m.last_record_at_or_before(t1 - 1) : kNoRecord;
        first = b == kNoRecord ? 0 : f.row_position(b + 1);
        last = e == kNoRecord ? 0 : f.row_position(e + 1);
    }
    for (u64 k = first; k < last; k++) {
        if ((k & 0xFFFF) == 0 && cancelled()) break;
        const RecordRow& r = m.row(f.row_record(k));
        if (r.time_ns() < t0 || r.time_ns() >= t1) continue;
        out.records++;
        DomainStats& ds = domains[r.domain];
        ds.domain = r.domain;
        ds.records++;
    }

    for (std::size_t k = 0; k < calls.size(); k++) {
        CallStats& cs = calls[k];
        if (cs.calls == 0 && cs.open == 0) continue;
        cs.kind = CallKind(k);
        cs.nr = m.call_nr(CallKind(k));
        cs.name = trace::hypercall_name(cs.nr);
        cs.latency = trace::summarize(call_ns[k]);
        out.calls.push_back(std::move(cs));
    }
    std::sort(out.calls.begin(), out.calls.end(), [](const CallStats& a, const CallStats& b) {
        return a.calls != b.calls ? a.calls > b.calls : a.nr < b.nr;
    });
    for (auto& [dom, ds] : domains) {
        ds.latency = trace::summarize(domain_ns[dom]);
        out.domains.push_back(std::move(ds));
    }
    out.complete = !cancelled();
    return out;
}

} // namespace glass::tv
