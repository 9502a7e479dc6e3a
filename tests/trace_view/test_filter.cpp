// Filters select exactly the records and calls their predicates accept, and
// the filtered table pages and locates records by position.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/record_store.hpp"
#include "gui/trace_view/trace_table.hpp"

using namespace tv_test;

TEST_CASE("an empty filter selects everything without index arrays") {
    auto m = model_of({entry(1, 0, 0, 10), exit_(1, 0, 0, 20), bounce(1, 0, 30)});
    TraceFilter f;
    CHECK(f.empty());
    FilteredTrace ft = apply_filter(*m, f);
    CHECK(ft.row_count() == 3);
    CHECK(ft.row_record(2) == 2);
    CHECK(ft.tracks().size() == 2);
    CHECK(ft.tracks()[0].levels[0].spans.identity);
}

TEST_CASE("domain, vCPU, hypercall, result and type filters select what they say") {
    SynthOptions so;
    so.records = 80000;
    so.seed = 9;
    auto sm = synth_model("filter", so);
    const TraceModel& m = sm->m();

    TraceFilter f;
    f.hidden_domains = {1};
    f.hidden_vcpus = {{0, 1}};
    f.hidden_calls.set(m.kind_of(26)); // mmuext_op
    f.hidden_types.set(u8(RecordType::Schedule));
    FilteredTrace ft = apply_filter(m, f);

    // Rows: brute force agrees, in order.
    std::vector<u32> want;
    for (u32 i = 0; i < m.record_count(); i++) {
        const RecordRow& r = m.row(i);
        if (r.domain == 1 || (r.domain == 0 && r.vcpu == 1)) continue;
        if (r.type == u8(RecordType::Schedule)) continue;
        if (r.call != kNoCall && m.call_nr(r.call) == 26) continue;
        want.push_back(i);
    }
    REQUIRE(ft.row_count() == want.size());
    for (std::size_t k = 0; k < want.size(); k += 97)
        REQUIRE(ft.row_record(k) == want[k]);
    // Tracks: d1 and d0v1 are gone.
    for (const FilteredTrack& t : ft.tracks()) {
        const Track& tr = m.tracks()[t.track];
        CHECK(tr.domain != 1);
        CHECK(!(tr.domain == 0 && tr.vcpu == 1));
        for (std::size_t l = 0; l < t.levels.size(); l++) {
            std::size_t expect = 0;
            for (const Span& s : tr.levels[l].spans)
                expect += m.call_nr(s.call) != 26;
            CHECK(t.levels[l].spans.size(tr.levels[l].spans.size()) == expect);
        }
    }
    // row_position finds the first passing row at or after a record.
    const u32 probe = want[want.size() / 2];
    CHECK(ft.row_position(probe) == want.size() / 2);
    CHECK(ft.row_position(probe + 1) == want.size() / 2 + 1);
    CHECK(ft.row_position(u32(m.record_count())) == want.size());
}

TEST_CASE("result filters: failures, one errno, successes") {
    auto m = model_of({
        entry(1, 0, 0, 10), exit_(1, 0, 0, 20, -22), // EINVAL
        entry(1, 0, 0, 30), exit_(1, 0, 0, 40, -1),  // EPERM
        entry(1, 0, 0, 50), exit_(1, 0, 0, 60, 0),   // ok
        bounce(0, 0, 70),                            // no call
    });
    auto spans_passing = [&](const TraceFilter& f) {
        FilteredTrace ft = apply_filter(*m, f);
        return ft.tracks()[0].levels[0].spans.idx;
    };
    TraceFilter f;
    f.result = ResultFilter::Failure;
    CHECK(spans_passing(f) == std::vector<u32>{0, 1});
    CHECK(apply_filter(*m, f).row_count() == 4);
    f.result = ResultFilter::Errno;
    f.errno_value = 22;
    CHECK(spans_passing(f) == std::vector<u32>{0});
    FilteredTrace einval = apply_filter(*m, f);
    REQUIRE(einval.row_count() == 2);
    CHECK(einval.row_record(0) == 0);
    CHECK(einval.row_record(1) == 1);
    f.result = ResultFilter::Success;
    CHECK(spans_passing(f) == std::vector<u32>{2});
}

TEST_CASE("the table pages through filtered rows and reveals a selected record") {
    SynthOptions so;
    so.records = 5000;
    auto sm = synth_model("table", so);
    const TraceModel& m = sm->m();
    std::string err;
    auto store = RecordStore::open(sm->file.path, err);
    REQUIRE(store);
    TraceFilter f;
    f.hidden_types.set(u8(RecordType::HypercallRead));
    FilteredTrace ft = apply_filter(m, f);
    auto page = table_page(m, ft, store.get(), 100, 25);
    REQUIRE(page.size() == 25);
    for (std::size_t i = 0; i < page.size(); i++) {
        CHECK(page[i].record == ft.row_record(100 + i));
        CHECK(page[i].type != "hypercall-read");
        CHECK(!page[i].summary.empty());
    }
    // The last page is short.
    CHECK(table_page(m, ft, store.get(), ft.row_count() - 3, 25).size() == 3);

    TablePager pager;
    pager.set_visible(30, ft.row_count());
    pager.reveal(1000, ft.row_count());
    CHECK(pager.first == 1000 - 29);
    pager.reveal(10, ft.row_count());
    CHECK(pager.first == 10);
    pager.scroll(-100, ft.row_count());
    CHECK(pager.first == 0);
    pager.scroll(1 << 30, ft.row_count());
    CHECK(pager.first == ft.row_count() - 30);
}
