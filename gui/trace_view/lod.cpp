#include "gui/trace_view/lod.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace glass::tv {

std::size_t TimelineMarks::mark_count() const {
    std::size_t n = 0;
    for (const auto& t : tracks) {
        n += t.instants.size();
        for (const auto& l : t.levels)
            n += l.size();
    }
    return n;
}

void lod_spans(const SpanLevel& level, const FilteredLevel& sel, const TimeWindow& w,
               float width_px, const LodOptions& opt, std::vector<SpanMark>& out) {
    out.clear();
    const std::vector<Span>& spans = level.spans;
    const std::size_t n = sel.spans.size(spans.size());
    if (n == 0 || width_px <= 0 || w.span() <= 0) return;
    const LevelIndex& ix = sel.spans.identity ? level.index : sel.index;
    auto at = [&](std::size_t i) -> const Span& { return spans[sel.spans.at(i)]; };
    auto start = [&](std::size_t i) { return at(i).start_ns; };
    auto dur = [&](std::size_t i) { return at(i).duration_ns; };
    auto gap = [&](std::size_t i) -> u32 {
        if (i == 0) return ~u32(0);
        const u64 s = at(i).start_ns, e = at(i - 1).end_ns();
        return s > e ? u32(std::min<u64>(s - e, ~u32(0))) : 0;
    };

    const double ns_px = w.ns_per_px(width_px);
    const double px_ns = 1.0 / ns_px;
    // Spans (and gaps) this long or longer are drawn alone (break a fold).
    auto threshold = [](double ns) {
        const double c = std::ceil(ns);
        return c >= double(std::numeric_limits<u32>::max()) ? std::numeric_limits<u32>::max()
                                                            : u32(std::max(1.0, c));
    };
    const u32 wide = threshold(double(opt.min_span_px) * ns_px);
    const u32 gap_break = threshold(double(opt.merge_gap_px) * ns_px);
    const double max_fold_ns = double(opt.max_fold_px) * ns_px;

    // First span ending at or after the window's start: ends ascend too
    // (spans of a level never overlap), so it is the first starting there
    // or the one before it.
    std::size_t lo = ix.starts.lower(0, n, w.start_ns, start);
    if (lo > 0 && double(at(lo - 1).end_ns()) >= w.start_ns) lo--;
    const std::size_t hi = ix.starts.lower(lo, n, w.end_ns, start);
    auto mark = [&](std::size_t first, std::size_t count, double t0, double t1) {
        const Span& s = at(first);
        SpanMark m{};
        m.x0 = float((t0 - w.start_ns) * px_ns);
        m.x1 = float((t1 - w.start_ns) * px_ns);
        m.first = u32(first);
        m.count = u32(count);
        m.span = sel.spans.at(first);
        m.call = s.call;
        m.flags = s.flags;
        out.push_back(m);
    };

    std::size_t i = lo;
    while (i < hi) {
        if (dur(i) >= wide) {
            mark(i, 1, double(start(i)), double(at(i).end_ns()));
            i++;
            continue;
        }
        // A fold: the narrow spans after i that start within max_fold_px of
        // it, up to the first wide span or wide gap.
        const std::size_t budget =
            ix.starts.lower(i + 1, hi, double(start(i)) + max_fold_ns, start);
        const std::size_t wide_at = ix.longest.first_at_least(i + 1, budget, wide, dur);
        const std::size_t j = ix.gaps.first_at_least(i + 1, wide_at, gap_break, gap);
        mark(i, j - i, double(start(i)), double(at(j - 1).end_ns()));
        i = j;
    }
}

void lod_instants(const Track& track, const FilteredTrack& sel_track, const TimeWindow& w,
                  float width_px, const LodOptions& opt, std::vector<InstantMark>& out) {
    out.clear();
    const Selection& sel = sel_track.instants;
    const std::size_t n = sel.size(track.instants.size());
    if (n == 0 || width_px <= 0 || w.span() <= 0) return;
    const SampledKeys& keys = sel.identity ? track.instant_times : sel_track.instant_times;
    auto at = [&](std::size_t i) -> const Instant& { return track.instants[sel.at(i)]; };
    auto time = [&](std::size_t i) { return at(i).time_ns; };
    const double ns_px = w.ns_per_px(width_px);
    const double col_ns = double(std::max(opt.instant_px, 0.01f)) * ns_px;
    const std::size_t lo = keys.lower(0, n, w.start_ns, time);
    const std::size_t hi = keys.lower(lo, n, w.end_ns, time);
    std::size_t i = lo;
    while (i < hi) {
        const double t = double(time(i));
        const double col_end = w.start_ns + (std::floor((t - w.start_ns) / col_ns) + 1) * col_ns;
        const std::size_t k = keys.lower(i + 1, hi, col_end, time);
        InstantMark m{};
        m.x = float((t - w.start_ns) / ns_px);
        m.first = u32(i);
        m.count = u32(k - i);
        m.record = at(i).record;
        m.type = at(i).type;
        out.push_back(m);
        i = k;
    }
}

void prepare_timeline(const TraceModel& m, const FilteredTrace& f, const TimeWindow& w,
                      float width_px, const LodOptions& opt, TimelineMarks& out) {
    out.window = w;
    out.width_px = width_px;
    out.tracks.resize(f.tracks().size());
    for (std::size_t k = 0; k < f.tracks().size(); k++) {
        const FilteredTrack& ft = f.tracks()[k];
        const Track& t = m.tracks()[ft.track];
        TrackMarks& tm = out.tracks[k];
        tm.track = ft.track;
        tm.levels.resize(t.levels.size());
        for (std::size_t l = 0; l < t.levels.size(); l++)
            lod_spans(t.levels[l], ft.levels[l], w, width_px, opt, tm.levels[l]);
        lod_instants(t, ft, w, width_px, opt, tm.instants);
    }
}

} // namespace glass::tv
