#include "traces/stats.hpp"

#include <algorithm>

namespace glass::trace {

Latency summarize(std::vector<std::uint64_t>& ns) {
    Latency l;
    l.count = ns.size();
    if (ns.empty()) return l;
    std::sort(ns.begin(), ns.end());
    auto rank = [&](unsigned pct) { return ns[(ns.size() * pct + 99) / 100 - 1]; };
    l.p50 = rank(50);
    l.p90 = rank(90);
    l.p99 = rank(99);
    l.max = ns.back();
    double sum = 0;
    for (auto v : ns)
        sum += static_cast<double>(v);
    l.mean = sum / static_cast<double>(ns.size());
    return l;
}

void StatsBuilder::add(const RecordHeader& r) {
    if (!s_.records) s_.first_ns = r.time_ns;
    s_.records++;
    s_.first_ns = std::min(s_.first_ns, r.time_ns);
    s_.last_ns = std::max(s_.last_ns, r.time_ns);
    s_.per_type[r.type]++;
    s_.per_domain_records[r.domain]++;
    const std::uint32_t key = std::uint32_t(r.domain) << 16 | r.vcpu;
    if (auto e = record_as<HypercallEntry>(&r, RecordType::HypercallEntry)) {
        open_[key].push_back({e->nr, r.time_ns});
    } else if (auto x = record_as<HypercallExit>(&r, RecordType::HypercallExit)) {
        auto& stack = open_[key];
        if (stack.empty() || stack.back().nr != x->nr) {
            s_.unmatched_exits++;
            return;
        }
        std::uint64_t ns = r.time_ns >= stack.back().time_ns ? r.time_ns - stack.back().time_ns : 0;
        stack.pop_back();
        by_nr_[x->nr].push_back(ns);
        by_domain_[r.domain].push_back(ns);
    } else if (auto l = record_as<LostRecords>(&r, RecordType::LostRecords)) {
        s_.lost += l->count;
    }
}

TraceStats StatsBuilder::finish() {
    for (auto& [key, stack] : open_)
        s_.open_entries += stack.size();
    for (auto& [nr, v] : by_nr_)
        s_.per_hypercall[nr] = summarize(v);
    for (auto& [dom, v] : by_domain_)
        s_.per_domain[dom] = summarize(v);
    return std::move(s_);
}

} // namespace glass::trace
