// The model indexes every record once: rows in file order, hypercalls as
// spans paired per vCPU like traces/stats pairs them, everything else as
// instants, with results propagated to every record of a call.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

#include "fixture.hpp"
#include "traces/reader.hpp"
#include "traces/stats.hpp"

using namespace tv_test;

TEST_CASE("hypercalls become spans per vCPU, nested calls one level deeper") {
    auto m = model_of({
        entry(1, 0, 0, 1000),        // 0 mmu_update d0v0
        entry(14, 0, 1, 1100),       // 1 update_va_mapping d0v1
        page_type(0, 0, 1200, 0x42), // 2 effect of record 0
        exit_(14, 0, 1, 1400),       // 3 -> 300 ns
        exit_(1, 0, 0, 1500, -22),   // 4 -> 500 ns, EINVAL
        entry(13, 1, 0, 2000),       // 5 multicall d1v0
        entry(14, 1, 0, 2100),       // 6   nested
        exit_(14, 1, 0, 2200),       // 7
        exit_(13, 1, 0, 2600),       // 8
        bounce(1, 0, 3000),          // 9 outside any call
        exit_(29, 1, 0, 3100),       // 10 exit without entry
        entry(29, 1, 0, 3200),       // 11 still open at the end
        bounce(1, 0, 3300),          // 12 inside the open call
    });
    REQUIRE(m->record_count() == 13);
    REQUIRE(m->tracks().size() == 3);
    CHECK(m->tracks()[0].name() == "d0v0");
    CHECK(m->tracks()[1].name() == "d0v1");
    CHECK(m->tracks()[2].name() == "d1v0");
    CHECK(m->domains() == std::vector<u16>{0, 1});

    const Track& d0v0 = m->tracks()[0];
    REQUIRE(d0v0.levels.size() == 1);
    REQUIRE(d0v0.levels[0].spans.size() == 1);
    const Span& s = d0v0.levels[0].spans[0];
    CHECK(s.start_ns == 1000);
    CHECK(s.duration_ns == 500);
    CHECK(s.entry == 0);
    CHECK(s.exit() == 4);
    CHECK(s.result == -22);
    CHECK((s.flags & kSpanFailed));
    CHECK(m->call_name(s.call) == "mmu_update");
    // The page-type change is an instant on the track and part of the call.
    REQUIRE(d0v0.instants.size() == 1);
    CHECK(d0v0.instants[0].record == 2);
    for (u32 r : {0u, 2u, 4u}) {
        CHECK((m->row(r).flags & kRowInCall));
        CHECK((m->row(r).flags & kRowCallDone));
        CHECK((m->row(r).flags & kRowFailed));
        CHECK(m->row(r).result() == -22);
        CHECK(m->row(r).call == s.call);
    }

    const Track& d1v0 = m->tracks()[2];
    REQUIRE(d1v0.levels.size() == 2);
    REQUIRE(d1v0.levels[0].spans.size() == 2); // multicall, then the open sched_op
    CHECK(m->call_name(d1v0.levels[0].spans[0].call) == "multicall");
    CHECK(d1v0.levels[0].spans[0].duration_ns == 600);
    REQUIRE(d1v0.levels[1].spans.size() == 1);
    CHECK(d1v0.levels[1].spans[0].start_ns == 2100);
    CHECK(d1v0.levels[1].spans[0].duration_ns == 100);
    const Span& open = d1v0.levels[0].spans[1];
    CHECK((open.flags & kSpanOpen));
    CHECK(open.exit() == kNoRecord);
    CHECK(open.end_ns() == m->end_ns());
    CHECK(m->open_calls() == 1);
    CHECK(m->unmatched_exits() == 1);
    CHECK(m->row(9).call == kNoCall);
    CHECK(m->row(12).call == open.call);
    CHECK(!(m->row(12).flags & kRowCallDone));
    CHECK(m->end_ns() == 3300);
    CHECK(m->begin_ns() == 1000);
}

TEST_CASE("a synthetic trace: every record indexed, spans agree with traces/stats") {
    SynthOptions so;
    so.records = 200000;
    so.seed = 7;
    auto sm = synth_model("model", so);
    const TraceModel& m = sm->m();
    CHECK(sm->loaded.warning.empty());
    REQUIRE(m.record_count() == so.records);

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

    std::map<std::uint16_t, std::uint64_t> per_type;
    for (const RecordRow& r : m.rows())
        per_type[r.type]++;
    CHECK(per_type == ts.per_type);

    std::uint64_t spans = 0, open = 0;
    std::vector<int> entry_seen(m.record_count(), 0);
    for (const Track& t : m.tracks()) {
        for (const SpanLevel& l : t.levels) {
            for (std::size_t i = 0; i < l.spans.size(); i++) {
                const Span& s = l.spans[i];
                spans++;
                open += (s.flags & kSpanOpen) != 0;
                entry_seen[s.entry]++;
                CHECK(m.row(s.entry).type == u8(RecordType::HypercallEntry));
                if (i) {
                    // Sorted, never overlapping.
                    REQUIRE(l.spans[i - 1].end_ns() <= s.start_ns);
                }
            }
        }
        REQUIRE(std::is_sorted(
            t.instants.begin(), t.instants.end(),
            [](const Instant& a, const Instant& b) { return a.time_ns < b.time_ns; }));
    }
    std::uint64_t matched = 0;
    for (auto& [nr, l] : ts.per_hypercall)
        matched += l.count;
    CHECK(spans - open == matched);
    CHECK(open == ts.open_entries);
    CHECK(m.unmatched_exits() == ts.unmatched_exits);
    for (u32 i = 0; i < m.record_count(); i++)
        if (m.row(i).type == u8(RecordType::HypercallEntry)) REQUIRE(entry_seen[i] == 1);
    CHECK(m.span_count() == spans);
}

TEST_CASE("a truncated trace loads every record before the damage and says where") {
    SynthOptions so;
    so.records = 20000;
    TempTrace file("truncated");
    write_synth(file.path, so);
    const auto size = std::filesystem::file_size(file.path);
    std::filesystem::resize_file(file.path, size / 2);
    LoadedTrace t = load_trace_model(file.path);
    REQUIRE(t.model);
    CHECK(!t.warning.empty());
    CHECK(t.warning.find("at byte") != std::string::npos);
    CHECK(t.model->record_count() > 0);
    CHECK(t.model->record_count() < so.records);
}

TEST_CASE("a file that is no trace is refused with a reason") {
    TempTrace file("garbage");
    {
        std::string err;
        auto sink = open_file_sink(file.path, err);
        REQUIRE(sink);
        std::vector<std::uint8_t> junk(4096, 0xAB);
        REQUIRE(sink->write(junk.data(), junk.size()));
        REQUIRE(sink->close());
    }
    LoadedTrace t = load_trace_model(file.path);
    CHECK(!t.model);
    CHECK(t.error.find("at byte 0") != std::string::npos);
    CHECK(!load_trace_model("/nonexistent/x.trace").error.empty());
}

TEST_CASE("time lookups use the running clock when per-CPU merging left times out of order") {
    auto m = model_of({
        bounce(0, 0, 100), // 0
        bounce(0, 1, 300), // 1
        bounce(0, 0, 200), // 2 earlier than record 1
        bounce(0, 1, 400), // 3
    });
    CHECK(m->last_record_at_or_before(50) == kNoRecord);
    CHECK(m->last_record_at_or_before(100) == 0);
    CHECK(m->last_record_at_or_before(250) == 0); // record 2 comes after 300
    CHECK(m->last_record_at_or_before(300) == 2);
    CHECK(m->last_record_at_or_before(1000) == 3);
    CHECK(m->clock_at(2) == 300);
    // Instants on a track are still sorted by time.
    CHECK(m->tracks()[0].instants[1].time_ns == 200);
}

TEST_CASE("records before the trace's time base are clamped to it and counted") {
    auto m = model_of({bounce(0, 0, 900), bounce(0, 0, 1500)}, 1000);
    CHECK(m->clamped_times() == 1);
    CHECK(m->row(0).time_ns() == 0);
    CHECK(m->row(1).time_ns() == 500);
    CHECK(m->base_ns() == 1000);
}
