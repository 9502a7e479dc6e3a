// Level of detail: for any window and width, every span and instant in view
// lands in exactly one mark, a fold never hides a span a pixel wide, and the
// number of marks is bounded by the width, not by the number of records.
#include <catch2/catch.hpp>

#include <random>

#include "fixture.hpp"
#include "gui/trace_view/lod.hpp"

using namespace tv_test;

namespace {

bool touches(const Span& s, const TimeWindow& w) {
    return double(s.end_ns()) >= w.start_ns && double(s.start_ns) < w.end_ns;
}

// Checks the level's marks against the selection it was made from.
void check_level(const SpanLevel& level, const FilteredLevel& sel, const TimeWindow& w, float width,
                 const LodOptions& opt, const std::vector<SpanMark>& marks) {
    const std::size_t n = sel.spans.size(level.spans.size());
    // Which positions touch the window (a contiguous range, since a level
    // is sorted and never overlaps).
    std::size_t lo = n, hi = 0;
    for (std::size_t i = 0; i < n; i++)
        if (touches(level.spans[sel.spans.at(i)], w)) {
            lo = std::min(lo, i);
            hi = i + 1;
        }
    if (lo == n) {
        REQUIRE(marks.empty());
        return;
    }
    const double px_ns = width / w.span();
    std::size_t next = lo;
    for (const SpanMark& mk : marks) {
        // Exactly once: marks tile [lo, hi) in order, without gaps.
        REQUIRE(mk.first == next);
        REQUIRE(mk.count >= 1);
        next += mk.count;
        REQUIRE(mk.span == sel.spans.at(mk.first));
        const Span& first = level.spans[mk.span];
        REQUIRE(mk.x0 == Approx((double(first.start_ns) - w.start_ns) * px_ns).margin(1e-2));
        if (mk.folded()) {
            for (std::size_t k = mk.first; k < mk.first + mk.count; k++) {
                const Span& s = level.spans[sel.spans.at(k)];
                // Nothing at least min_span_px wide is hidden in a fold.
                REQUIRE(double(s.duration_ns) * px_ns < opt.min_span_px);
            }
        }
    }
    REQUIRE(next == hi);
    // Bounded by the width: each mark is wide, or ends a fold that hit a gap,
    // a wide span or its size limit.
    const double bound =
        width / opt.min_span_px + width / opt.merge_gap_px + width / opt.max_fold_px + 4;
    REQUIRE(double(marks.size()) <= 2 * bound);
}

void check_instants(const Track& t, const Selection& sel, const TimeWindow& w, float width,
                    const LodOptions& opt, const std::vector<InstantMark>& marks) {
    const std::size_t n = sel.size(t.instants.size());
    std::size_t lo = n, hi = 0;
    for (std::size_t i = 0; i < n; i++) {
        const double ti = double(t.instants[sel.at(i)].time_ns);
        if (ti >= w.start_ns && ti < w.end_ns) {
            lo = std::min(lo, i);
            hi = i + 1;
        }
    }
    if (lo == n) {
        REQUIRE(marks.empty());
        return;
    }
    std::size_t next = lo;
    float last_x = -1e30f;
    for (const InstantMark& mk : marks) {
        REQUIRE(mk.first == next);
        REQUIRE(mk.count >= 1);
        REQUIRE(mk.record == t.instants[sel.at(mk.first)].record);
        // One mark per column at most: marks are at least a column apart
        // unless they share a column boundary.
        REQUIRE(mk.x >= last_x);
        last_x = mk.x;
        next += mk.count;
    }
    REQUIRE(next == hi);
    REQUIRE(double(marks.size()) <= width / opt.instant_px + 2);
}

void check_all(const TraceModel& m, const FilteredTrace& f, const TimeWindow& w, float width,
               const LodOptions& opt) {
    TimelineMarks marks;
    prepare_timeline(m, f, w, width, opt, marks);
    REQUIRE(marks.tracks.size() == f.tracks().size());
    for (std::size_t k = 0; k < marks.tracks.size(); k++) {
        const FilteredTrack& ft = f.tracks()[k];
        const Track& t = m.tracks()[ft.track];
        REQUIRE(marks.tracks[k].track == ft.track);
        for (std::size_t l = 0; l < t.levels.size(); l++)
            check_level(t.levels[l], ft.levels[l], w, width, opt, marks.tracks[k].levels[l]);
        check_instants(t, ft.instants, w, width, opt, marks.tracks[k].instants);
    }
}

} // namespace

TEST_CASE("LOD marks cover every span and instant exactly once, at any zoom") {
    SynthOptions so;
    so.records = 120000;
    so.seed = 3;
    auto sm = synth_model("lod", so);
    const TraceModel& m = sm->m();
    FilteredTrace all(m);
    std::mt19937_64 rng(11);
    const double total = double(m.end_ns());
    LodOptions opt;
    // The whole trace, then random windows from ~whole to ~50 ns wide.
    check_all(m, all, TimeWindow{0, total}, 1500, opt);
    for (int q = 0; q < 60; q++) {
        const double span = total * std::pow(10.0, -double(rng() % 70) / 10.0);
        const double start = double(rng() % std::uint64_t(total)) - span / 4;
        const float width = float(200 + rng() % 2000);
        check_all(m, all, TimeWindow{start, start + span}, width, opt);
    }
}

TEST_CASE("LOD over a filtered trace marks only the calls that pass") {
    SynthOptions so;
    so.records = 60000;
    so.seed = 5;
    auto sm = synth_model("lodf", so);
    const TraceModel& m = sm->m();
    TraceFilter flt;
    flt.hidden_calls.set(m.kind_of(1)); // mmu_update
    flt.result = ResultFilter::Success;
    flt.hidden_domains.push_back(2);
    FilteredTrace f = apply_filter(m, flt);
    for (const FilteredTrack& ft : f.tracks()) {
        CHECK(m.tracks()[ft.track].domain != 2);
        for (std::size_t l = 0; l < ft.levels.size(); l++)
            for (u32 idx : ft.levels[l].spans.idx)
                REQUIRE(flt.span_matches(m.tracks()[ft.track].levels[l].spans[idx]));
    }
    std::mt19937_64 rng(12);
    const double total = double(m.end_ns());
    for (int q = 0; q < 30; q++) {
        const double span = total * std::pow(10.0, -double(rng() % 60) / 10.0);
        const double start = double(rng() % std::uint64_t(total));
        check_all(m, f, TimeWindow{start, start + span}, 1200, LodOptions{});
    }
}

TEST_CASE("zoomed in far enough, every span is its own mark; zoomed out, runs fold") {
    std::vector<std::vector<std::uint64_t>> recs;
    // 1000 calls of 100 ns, 100 ns apart, then one of 50 us.
    std::uint64_t t = 1000;
    for (int i = 0; i < 1000; i++, t += 200) {
        recs.push_back(entry(14, 0, 0, t));
        recs.push_back(exit_(14, 0, 0, t + 100));
    }
    recs.push_back(entry(1, 0, 0, t));
    recs.push_back(exit_(1, 0, 0, t + 50000));
    auto m = model_of(recs);
    FilteredTrace all(*m);
    const SpanLevel& level = m->tracks()[0].levels[0];
    std::vector<SpanMark> marks;

    // 10 ns per pixel: every 100 ns call is 10 px wide.
    lod_spans(level, all.tracks()[0].levels[0], TimeWindow{1000, 1000 + 20000}, 2000, LodOptions{},
              marks);
    CHECK(marks.size() == 100);
    for (const SpanMark& mk : marks) {
        CHECK(mk.count == 1);
        CHECK(mk.x1 - mk.x0 == Approx(10));
    }

    // 1 us per pixel over everything: the 1000 short calls fold (each fold at
    // most ~max_fold_px wide), the long call stays a mark of its own.
    const double whole = double(m->end_ns()) + 1000;
    lod_spans(level, all.tracks()[0].levels[0], TimeWindow{0, whole}, float(whole / 1000),
              LodOptions{}, marks);
    REQUIRE(marks.size() >= 2);
    u64 folded = 0;
    for (std::size_t i = 0; i + 1 < marks.size(); i++) {
        CHECK(marks[i].folded());
        folded += marks[i].count;
    }
    CHECK(folded == 1000);
    CHECK(marks.back().count == 1);
    CHECK(m->call_name(marks.back().call) == "mmu_update");
    CHECK(marks.back().x1 - marks.back().x0 == Approx(50).margin(0.01));
    CHECK(marks.size() < 60);
}

TEST_CASE("a wide span in the middle of a dense run splits the fold around it") {
    std::vector<std::vector<std::uint64_t>> recs;
    std::uint64_t t = 0;
    for (int i = 0; i < 50; i++, t += 20) {
        recs.push_back(entry(14, 0, 0, t));
        recs.push_back(exit_(14, 0, 0, t + 10));
    }
    recs.push_back(entry(1, 0, 0, t));
    recs.push_back(exit_(1, 0, 0, t + 1500)); // 1.5 px at 1000 ns/px
    t += 1500;
    for (int i = 0; i < 50; i++, t += 20) {
        recs.push_back(entry(14, 0, 0, t));
        recs.push_back(exit_(14, 0, 0, t + 10));
    }
    auto m = model_of(recs);
    FilteredTrace all(*m);
    std::vector<SpanMark> marks;
    LodOptions opt;
    opt.max_fold_px = 1000; // folds limited only by gaps and wide spans
    lod_spans(m->tracks()[0].levels[0], all.tracks()[0].levels[0], TimeWindow{0, 100000}, 100, opt,
              marks);
    REQUIRE(marks.size() == 3);
    CHECK(marks[0].count == 50);
    CHECK(marks[1].count == 1);
    CHECK(m->call_name(marks[1].call) == "mmu_update");
    CHECK(marks[2].count == 50);
}

TEST_CASE("instants in one column share a mark") {
    std::vector<std::vector<std::uint64_t>> recs;
    for (int i = 0; i < 10; i++)
        recs.push_back(bounce(0, 0, 1000 + i)); // within one ns-scale column
    recs.push_back(bounce(0, 0, 9000));
    auto m = model_of(recs);
    FilteredTrace all(*m);
    std::vector<InstantMark> marks;
    lod_instants(m->tracks()[0], all.tracks()[0], TimeWindow{0, 10000}, 100, LodOptions{}, marks);
    REQUIRE(marks.size() == 2);
    CHECK(marks[0].count == 10);
    CHECK(marks[0].record == 0);
    CHECK(marks[1].count == 1);
    CHECK(marks[1].x == Approx(90));
}
