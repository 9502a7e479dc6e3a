// The statistics panel's numbers: identical to `glass trace stats` for the
// whole trace, and exact over a time range or a filter.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "gui/trace_view/stats_view.hpp"
#include "traces/reader.hpp"
#include "traces/stats.hpp"

using namespace tv_test;

TEST_CASE("whole-trace statistics match traces/stats per hypercall and per domain") {
    SynthOptions so;
    so.records = 150000;
    so.seed = 21;
    auto sm = synth_model("stats", so);
    const TraceModel& m = sm->m();
    StatsBuilder sb;
    {
        std::string err;
        Reader reader(open_file_source(sm->file.path, err));
        REQUIRE(reader.open());
        Cursor c(reader);
        while (const RecordHeader* r = c.next())
            sb.add(*r);
    }
    TraceStats ts = sb.finish();
    StatsView sv = compute_stats(m, FilteredTrace(m));
    CHECK(sv.complete);
    CHECK(sv.records == ts.records);
    REQUIRE(sv.calls.size() == ts.per_hypercall.size());
    for (const CallStats& cs : sv.calls) {
        INFO(cs.name);
        const Latency& want = ts.per_hypercall.at(cs.nr);
        CHECK(cs.calls == want.count);
        CHECK(cs.latency.p50 == want.p50);
        CHECK(cs.latency.p90 == want.p90);
        CHECK(cs.latency.p99 == want.p99);
        CHECK(cs.latency.max == want.max);
        CHECK(cs.latency.mean == Approx(want.mean));
        CHECK(cs.histogram.total == cs.calls);
    }
    for (std::size_t i = 1; i < sv.calls.size(); i++)
        CHECK(sv.calls[i - 1].calls >= sv.calls[i].calls);
    REQUIRE(sv.domains.size() >= ts.per_domain.size());
    for (const DomainStats& ds : sv.domains) {
        if (!ts.per_domain.count(ds.domain)) continue;
        CHECK(ds.calls == ts.per_domain.at(ds.domain).count);
        CHECK(ds.latency.p99 == ts.per_domain.at(ds.domain).p99);
        CHECK(ds.records == ts.per_domain_records.at(ds.domain));
    }
}

TEST_CASE("statistics over a time range count the calls that start in it") {
    SynthOptions so;
    so.records = 50000;
    so.seed = 4;
    auto sm = synth_model("stats_range", so);
    const TraceModel& m = sm->m();
    const TimeRange r{m.end_ns() / 3, m.end_ns() / 2};
    TraceFilter f;
    f.hidden_domains = {3};
    FilteredTrace ft = apply_filter(m, f);
    StatsView sv = compute_stats(m, ft, r);
    std::map<u32, u64> want;
    std::map<u32, u64> failures;
    for (const Track& t : m.tracks()) {
        if (t.domain == 3) continue;
        for (const SpanLevel& l : t.levels)
            for (const Span& s : l.spans)
                if (s.start_ns >= r.start_ns && s.start_ns < r.end_ns && !(s.flags & kSpanOpen)) {
                    want[m.call_nr(s.call)]++;
                    failures[m.call_nr(s.call)] += s.result < 0;
                }
    }
    std::map<u32, u64> got, got_fail;
    for (const CallStats& cs : sv.calls) {
        got[cs.nr] = cs.calls;
        got_fail[cs.nr] = cs.failures;
    }
    CHECK(got == want);
    CHECK(got_fail == failures);
    u64 records = 0;
    for (u64 k = 0; k < ft.row_count(); k++) {
        const u64 t = m.row(ft.row_record(k)).time_ns();
        records += t >= r.start_ns && t < r.end_ns;
    }
    CHECK(sv.records == records);
    for (const DomainStats& ds : sv.domains)
        CHECK(ds.domain != 3);
}

TEST_CASE("histogram bins are four to an octave and contiguous") {
    CHECK(LatencyHistogram::bin_of(0) == 0);
    CHECK(LatencyHistogram::bin_of(1) == 0);
    CHECK(LatencyHistogram::bin_of(2) == 4);
    CHECK(LatencyHistogram::bin_of(1024) == 40);
    for (u64 ns = 1; ns < 5'000'000'000ull; ns = ns * 3 / 2 + 1) {
        const int b = LatencyHistogram::bin_of(ns);
        REQUIRE(LatencyHistogram::bin_low_ns(b) <= double(ns));
        REQUIRE(double(ns) < LatencyHistogram::bin_high_ns(b));
    }
    LatencyHistogram h;
    h.add(100);
    h.add(1000);
    auto [lo, hi] = h.used_range();
    CHECK(lo == LatencyHistogram::bin_of(100));
    CHECK(hi == LatencyHistogram::bin_of(1000) + 1);
}
