// Replay mode's models without a window: the trace workspace (background
// load, filter, statistics, scrub steering the replay) and the replay
// cursor (seeks off the UI thread, publishes StateFrames, coalesces).
#include "gui/model/replay_cursor.hpp"
#include "gui/model/trace_workspace.hpp"
#include "gui/session/session.hpp"
#include "gui/trace_view/record_details.hpp"
#include "traces/io.hpp"
#include "traces/synth/synth.hpp"
#include "traces/writer.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <mutex>
#include <unistd.h>

using namespace glass;
using namespace glass::gui;

namespace {

struct SynthFile {
    std::string path;
    explicit SynthFile(const std::string& name, u64 records = 30000) {
        path = (std::filesystem::temp_directory_path() /
                ("glass_gui_" + std::to_string(::getpid()) + "_" + name + ".trace"))
                   .string();
        std::string err;
        trace::Writer w(trace::open_file_sink(path, err));
        trace::SynthOptions so;
        so.records = records;
        REQUIRE(trace::write_synthetic(w, so));
    }
    ~SynthFile() { std::filesystem::remove(path); }
};

// A replay engine whose state says where it is: domain 0 has `n` pages
// after seek(n). It counts seeks, so coalescing shows.
class CountingEngine final : public ReplayEngine {
  public:
    explicit CountingEngine(u64 records) : records_(records) {}
    u64 record_count() const override { return records_; }
    std::string seek(u64 n) override {
        std::lock_guard lock(mu);
        seeks++;
        if (n > records_) return "past the end";
        at_ = n;
        return "";
    }
    DomainsSnapshot domains() const override {
        DomainsSnapshot d;
        DomainSnapshot dom;
        dom.id = 0;
        dom.nr_pages = at_;
        d.domains.push_back(dom);
        return d;
    }
    FrameSnapshot frames() const override { return {}; }
    Outcome<EvtchnSnapshot> evtchn(u16) const override {
        return Outcome<EvtchnSnapshot>::failure("none");
    }
    Outcome<WalkResult> walk(u64, u64) const override {
        return Outcome<WalkResult>::failure("none");
    }
    bool read_machine(u64, void*, u64) const override { return false; }

    std::mutex mu;
    int seeks = 0;

  private:
    u64 records_, at_ = 0;
};

} // namespace

TEST_CASE("the replay cursor publishes the state at the position asked for", "[gui][replay]") {
    auto engine = std::make_unique<CountingEngine>(1000);
    CountingEngine* e = engine.get();
    ReplayCursor c(std::move(engine), "");
    CHECK(c.latest()->seq == 0);
    c.request(10);
    c.wait_idle();
    CHECK(c.shown() == 10);
    CHECK(c.latest()->domains.domains.at(0).nr_pages == 10);
    const u64 seq = c.latest()->seq;
    // A burst of requests ends at the last one; repeats cost nothing.
    for (u64 n = 11; n <= 500; n++)
        c.request(n);
    c.request(500);
    c.wait_idle();
    CHECK(c.shown() == 500);
    CHECK(c.latest()->domains.domains.at(0).nr_pages == 500);
    CHECK(c.latest()->seq > seq);
    {
        std::lock_guard lock(e->mu);
        CHECK(e->seeks < 490); // coalesced, not one seek per request
    }
    c.request(5000);
    c.wait_idle();
    CHECK(c.error() == "past the end");
    CHECK(c.latest()->domains_error == "past the end");
}

TEST_CASE("without a replay engine the state says why it is empty", "[gui][replay]") {
    ReplayCursor c(nullptr, "this build has no replay engine");
    c.request(3);
    c.wait_idle();
    CHECK(!c.has_engine());
    CHECK(c.latest()->seq == 1);
    CHECK(c.latest()->domains_error == "this build has no replay engine");
    CHECK(!c.evtchn(0).ok());
}

TEST_CASE("the workspace loads, filters and summarises in the background", "[gui][trace]") {
    SynthFile file("ws");
    TraceWorkspace ws;
    ws.open(file.path);
    CHECK(ws.status() == TraceWorkspace::Status::Loading);
    ws.wait_idle();
    REQUIRE(ws.status() == TraceWorkspace::Status::Ready);
    const tv::TraceModel& m = *ws.model();
    CHECK(m.record_count() == 30000);
    CHECK(ws.filtered().row_count() == 30000);
    CHECK(ws.window_set);
    CHECK(ws.window.start_ns == double(m.begin_ns()));

    ws.request_stats(std::nullopt);
    ws.wait_idle();
    REQUIRE(ws.stats());
    u64 calls = 0;
    for (const auto& cs : ws.stats()->calls)
        calls += cs.calls;
    CHECK(calls == m.span_count() - m.open_calls());

    // A filter replaces the filtered trace and recomputes the statistics.
    const u64 gen = ws.filter_generation();
    tv::TraceFilter f;
    f.hidden_domains = {0, 1};
    ws.set_filter(f);
    ws.wait_idle();
    CHECK(ws.filter_generation() > gen);
    CHECK(ws.filtered().row_count() < 30000);
    for (u64 k = 0; k < ws.filtered().row_count(); k += 101)
        CHECK(m.row(ws.filtered().row_record(k)).domain >= 2);
    for (const auto& ds : ws.stats()->domains)
        CHECK(ds.domain >= 2);

    // Selecting and seeking.
    ws.seek_to(1234);
    CHECK(ws.selected == 1234u);
    CHECK(ws.scrub.current_record() == 1234);
    ws.reveal(1234);
    CHECK(ws.window.start_ns <= double(m.row(1234).time_ns()));
    CHECK(ws.window.end_ns >= double(m.row(1234).time_ns()));
}

TEST_CASE("playing advances with the frame clock and steers the replay", "[gui][trace]") {
    SynthFile file("play");
    TraceWorkspace ws;
    ws.open(file.path);
    ws.wait_idle();
    REQUIRE(ws.status() == TraceWorkspace::Status::Ready);
    auto engine = std::make_unique<CountingEngine>(ws.model()->record_count());
    auto cursor = std::make_shared<ReplayCursor>(std::move(engine), "");
    ws.attach_replay(cursor);
    ws.scrub.set_speed(1e-3);
    ws.scrub.play();
    ws.poll(1.0);
    ws.poll(2.0); // one wall second: 1 ms of trace time
    const u64 applied = ws.scrub.applied();
    CHECK(applied > 0);
    CHECK(ws.scrub.time_ns() == Approx(double(ws.model()->begin_ns()) + 1e6).epsilon(1e-6));
    cursor->wait_idle();
    CHECK(cursor->shown() == applied);
    CHECK(cursor->latest()->domains.domains.at(0).nr_pages == applied);
    ws.poll(2.0); // the same frame again: nothing moves
    CHECK(ws.scrub.applied() == applied);
}

TEST_CASE("the workspace follows the session and reports files it cannot open", "[gui][trace]") {
    TraceWorkspace ws;
    auto s = Session::open_trace("/nonexistent/run.trace");
    ws.follow(*s);
    CHECK(ws.path() == "/nonexistent/run.trace");
    ws.wait_idle();
    CHECK(ws.status() == TraceWorkspace::Status::Failed);
    CHECK(ws.error().find("/nonexistent/run.trace") != std::string::npos);
    Session none;
    ws.follow(none);
    CHECK(ws.status() == TraceWorkspace::Status::None);
}

TEST_CASE("the trace opener hands out the cursor the workspace steers", "[gui][replay]") {
    SynthFile file("opener", 2000);
    auto src = open_replay_source(file.path);
    REQUIRE(src.ok());
    auto cursor = current_replay_cursor(file.path);
    REQUIRE(cursor);
    CHECK(current_replay_cursor("/other.trace") == nullptr);
    CHECK((*src)->describe().find(file.path) != std::string::npos);
    // The cursor's worker may publish its first frame between the two reads.
    cursor->wait_idle();
    CHECK((*src)->latest() == cursor->latest());
}

#if __has_include("traces/replay/replay.hpp")
#include "traces/replay/replay.hpp"
#include "traces/replay/scenario.hpp"

TEST_CASE("replay mode shows the replay engine's state at the scrub position", "[gui][replay]") {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("glass_gui_" + std::to_string(::getpid()) + "_scenario.trace"))
                                 .string();
    {
        std::string err;
        trace::Writer w(trace::open_file_sink(path, err));
        replay::ScenarioOptions so;
        so.records = 20000;
        REQUIRE(replay::write_scenario(w, so));
    }
    auto src = open_replay_source(path);
    REQUIRE(src.ok());
    auto cursor = current_replay_cursor(path);
    REQUIRE(cursor);
    REQUIRE(cursor->has_engine());

    TraceWorkspace ws;
    ws.open(path);
    ws.attach_replay(cursor);
    ws.wait_idle();
    REQUIRE(ws.status() == TraceWorkspace::Status::Ready);

    // The same positions replayed directly must give the same state.
    auto direct = replay::Replay::open(path);
    REQUIRE(direct.ok());
    for (u64 n : {u64(0), u64(7000), u64(19000), u64(3000)}) {
        ws.scrub.seek_record(u32(n ? n - 1 : 0));
        if (n == 0) ws.scrub.seek_start();
        ws.wait_idle();
        REQUIRE(cursor->shown() == n);
        REQUIRE((*direct)->seek(n));
        auto frame = (*src)->latest();
        const FrameSnapshot want = (*direct)->frames();
        REQUIRE(frame->frames.frames.size() == want.frames.size());
        u64 differ = 0;
        for (std::size_t i = 0; i < want.frames.size(); i++)
            differ +=
                std::memcmp(&frame->frames.frames[i], &want.frames[i], sizeof(mm::FrameInfo)) != 0;
        CHECK(differ == 0);
        CHECK(frame->domains.domains.size() == (*direct)->domains().domains.size());
    }
    // And the state does change along the trace.
    ws.scrub.seek_start();
    ws.wait_idle();
    const FrameSnapshot start = (*src)->latest()->frames;
    ws.scrub.seek_end();
    ws.wait_idle();
    const FrameSnapshot end = (*src)->latest()->frames;
    u64 changed = 0;
    for (std::size_t i = 0; i < std::min(start.frames.size(), end.frames.size()); i++)
        changed += std::memcmp(&start.frames[i], &end.frames[i], sizeof(mm::FrameInfo)) != 0;
    CHECK(changed > 0);

    // The state change of one call: a call that changed a page type, per
    // its recorded PageTypeChange, shows that frame in the replayed diff.
    const tv::TraceModel& m = *ws.model();
    bool checked = false;
    for (u32 i = 0; i < m.record_count() && !checked; i++) {
        if (m.row(i).type != u8(trace::RecordType::PageTypeChange)) continue;
        tv::SpanRef ref;
        if (!tv::find_call_span(m, i, ref)) continue;
        const tv::Span& s = m.tracks()[ref.track].levels[ref.level].spans[ref.index];
        if (s.flags & tv::kSpanOpen) continue;
        std::vector<u64> buf;
        std::string err;
        REQUIRE(ws.store()->read(i, buf, err));
        const auto* pt = trace::record_as<trace::PageTypeChange>(tv::header_of(buf),
                                                                 trace::RecordType::PageTypeChange);
        REQUIRE(pt);
        cursor->request_diff(s.entry, u64(s.exit()) + 1);
        const StateDiff d = cursor->wait_diff(s.entry, u64(s.exit()) + 1);
        CHECK(d.error.empty());
        bool found = false;
        for (const FrameChange& fc : d.frames)
            if (fc.mfn == pt->mfn) {
                found = true;
                // A frame keeps its last type once the type count drops
                // to 0; the record names the effective type (none).
                const u8 effective = fc.after.type_count ? u8(fc.after.type) : 0;
                CHECK(effective == pt->new_type);
            }
        CHECK(found);
        checked = true;
    }
    CHECK(checked);
    // The cursor is back where the scrub left it.
    ws.wait_idle();
    CHECK(cursor->shown() == ws.scrub.applied());
    std::filesystem::remove(path);
}
#endif
