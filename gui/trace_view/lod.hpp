// Level of detail for the timeline: for a time window and a width in pixels,
// the marks to draw on each visible vCPU track, as Tracy's timeline does it.
// A span at least min_span_px wide is one mark; a run of narrower spans that
// starts within max_fold_px of its first and has no gap of merge_gap_px or
// more is folded into one mark that counts them (so density still shows);
// instants falling in the same instant_px column share a mark. Every span
// and instant touching the window lands in exactly one mark, and a fold
// never contains a span min_span_px wide: LevelIndex finds the first wide
// span and the first wide gap of a run without visiting it.
//
// Cost per track level: O(log n) for the window, then O(log n) per mark,
// with marks O(width / min(min_span_px, merge_gap_px, max_fold_px)), on
// search structures small enough to stay in cache. It runs in
// prepare_timeline(), before and apart from drawing.
#pragma once

#include <vector>

#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/time_window.hpp"
#include "gui/trace_view/trace_model.hpp"

namespace glass::tv {

struct LodOptions {
    float min_span_px = 1.0f;  // narrower spans may be folded
    float merge_gap_px = 2.0f; // narrow spans closer than this fold together
    float max_fold_px = 6.0f;  // a fold stops growing past this width
    float instant_px = 3.0f;   // column width for instants
};

// One span (count == 1) or a fold of `count` consecutive spans of the
// level's selection, starting at position `first`.
struct SpanMark {
    float x0, x1;  // pixels from the window's left edge (may lie outside)
    u32 first;     // position in the (filtered) level
    u32 count;     // spans in the mark
    u32 span;      // TraceModel index (in Track::levels[level].spans) of the first
    CallKind call; // of the first span
    u8 flags;      // of the first span
    u16 pad;
    bool folded() const { return count > 1; }
};

struct InstantMark {
    float x;
    u32 first; // position in the (filtered) instants of the track
    u32 count;
    u32 record; // of the first instant
    u8 type;    // of the first instant
    u8 pad[3];
};

struct TrackMarks {
    u32 track = 0; // index into TraceModel::tracks()
    std::vector<std::vector<SpanMark>> levels;
    std::vector<InstantMark> instants;
};

struct TimelineMarks {
    TimeWindow window;
    float width_px = 0;
    std::vector<TrackMarks> tracks; // visible tracks, in model order
    std::size_t mark_count() const;
};

// Marks of one level; `out` is cleared first.
void lod_spans(const SpanLevel& level, const FilteredLevel& sel, const TimeWindow& w,
               float width_px, const LodOptions& opt, std::vector<SpanMark>& out);
void lod_instants(const Track& track, const FilteredTrack& sel, const TimeWindow& w, float width_px,
                  const LodOptions& opt, std::vector<InstantMark>& out);

// Marks for every visible track; reuses `out`'s storage between frames.
void prepare_timeline(const TraceModel& m, const FilteredTrace& f, const TimeWindow& w,
                      float width_px, const LodOptions& opt, TimelineMarks& out);

} // namespace glass::tv
