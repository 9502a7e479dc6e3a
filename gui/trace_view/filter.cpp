#include "gui/trace_view/filter.hpp"

#include <algorithm>

namespace glass::tv {

bool TraceFilter::empty() const {
    return hidden_domains.empty() && hidden_vcpus.empty() && hidden_calls.none() &&
           hidden_types.none() && result == ResultFilter::Any;
}

bool TraceFilter::track_visible(u16 domain, u16 vcpu) const {
    if (std::find(hidden_domains.begin(), hidden_domains.end(), domain) != hidden_domains.end())
        return false;
    return std::find(hidden_vcpus.begin(), hidden_vcpus.end(), std::pair{domain, vcpu}) ==
           hidden_vcpus.end();
}

namespace {

bool result_matches(ResultFilter f, std::int16_t errno_value, std::int16_t result) {
    switch (f) {
    case ResultFilter::Any:
        return true;
    case ResultFilter::Success:
        return result >= 0;
    case ResultFilter::Failure:
        return result < 0;
    case ResultFilter::Errno:
        return result == -errno_value;
    }
    return true;
}

} // namespace

bool TraceFilter::span_matches(const Span& s) const {
    if (hidden_calls[s.call]) return false;
    if (result == ResultFilter::Any) return true;
    if (s.flags & kSpanOpen) return false;
    return result_matches(result, errno_value, s.result);
}

bool TraceFilter::row_matches(const RecordRow& r) const {
    if (hidden_types[r.type]) return false;
    if (!track_visible(r.domain, r.vcpu)) return false;
    if (r.call != kNoCall && hidden_calls[r.call]) return false;
    if (result == ResultFilter::Any) return true;
    if (!(r.flags & kRowCallDone)) return false;
    return result_matches(result, errno_value, r.result());
}

FilteredTrace::FilteredTrace(const TraceModel& m) : model_(&m) {
    for (u32 t = 0; t < m.tracks().size(); t++) {
        FilteredTrack ft;
        ft.track = t;
        ft.levels.resize(m.tracks()[t].levels.size());
        tracks_.push_back(std::move(ft));
    }
}

u64 FilteredTrace::row_position(u32 record) const {
    if (rows_.identity) return std::min<u64>(record, row_count());
    return std::lower_bound(rows_.idx.begin(), rows_.idx.end(), record) - rows_.idx.begin();
}

FilteredTrace apply_filter(const TraceModel& m, const TraceFilter& f,
                           const std::atomic<bool>* cancel) {
    if (f.empty()) return FilteredTrace(m);
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    FilteredTrace out;
    out.model_ = &m;
    out.filter_ = f;
    const bool spans_all = f.hidden_calls.none() && f.result == ResultFilter::Any;
    for (u32 ti = 0; ti < m.tracks().size() && !cancelled(); ti++) {
        const Track& t = m.tracks()[ti];
        if (!f.track_visible(t.domain, t.vcpu)) continue;
        FilteredTrack ft;
        ft.track = ti;
        ft.levels.resize(t.levels.size());
        if (!spans_all) {
            for (std::size_t l = 0; l < t.levels.size(); l++) {
                const auto& spans = t.levels[l].spans;
                FilteredLevel& fl = ft.levels[l];
                fl.spans.identity = false;
                for (u32 i = 0; i < spans.size(); i++)
                    if (f.span_matches(spans[i])) fl.spans.idx.push_back(i);
                fl.index.build(fl.spans.idx.size(), [&](std::size_t k) -> const Span& {
                    return spans[fl.spans.idx[k]];
                });
            }
        }
        ft.instants.identity = false;
        for (u32 i = 0; i < t.instants.size(); i++)
            if (f.row_matches(m.row(t.instants[i].record))) ft.instants.idx.push_back(i);
        ft.instant_times.build(ft.instants.idx.size(), [&](std::size_t k) {
            return t.instants[ft.instants.idx[k]].time_ns;
        });
        out.tracks_.push_back(std::move(ft));
    }
    out.rows_.identity = false;
    const auto& rows = m.rows();
    for (u32 i = 0; i < rows.size(); i++) {
        if ((i & 0xFFFF) == 0 && cancelled()) break;
        if (f.row_matches(rows[i])) out.rows_.idx.push_back(i);
    }
    return out;
}

} // namespace glass::tv
