// A trace recorded from the hypervisor's core on the host replays with
// every result and checkpoint matching, and what replay does not model is
// counted, not passed.
#include "replay_fixture.hpp"

#include "hv/abi/hypercalls.hpp"

using namespace replay_test;

TEST_CASE("replay: a host-recorded trace replays clean", "[replay]") {
    ScenarioOptions so;
    so.records = 60000;
    so.checkpoint_every = 1000;
    ScenarioCounts counts;
    auto t = open_replay(scenario_bytes(so, small_chunks(), &counts));
    REQUIRE(t->replay);
    Replay& r = *t->replay;
    REQUIRE(r.run_to(r.record_count()).ok());
    for (const Divergence& d : r.divergences())
        INFO(d.message());
    CHECK(r.divergences().empty());
    const ReplayStats& s = r.stats();
    CHECK(r.position() == r.record_count());
    CHECK(s.hypercalls == counts.hypercalls);
    // Every modelled call ran again and returned what was recorded,
    // refusals included (the scenario makes a few percent of them).
    CHECK(counts.failed > 100);
    CHECK(s.replayed == counts.hypercalls - counts.not_modelled - counts.multicalls);
    CHECK(s.results_matched == s.replayed);
    CHECK(s.checkpoints == counts.checkpoints);
    CHECK(s.checkpoints_matched == s.checkpoints);
    CHECK(s.checkpoints >= 50);
    // Frames the guests wrote directly came from the trace, every time.
    CHECK(s.frames_loaded == counts.validated_frames);
    CHECK(s.frames_without_contents == 0);
    // Not modelled: counted by number.
    CHECK(s.not_modelled_total() == counts.not_modelled);
    CHECK(s.not_modelled.at(xen::HC_xen_version) == counts.not_modelled);
    CHECK(s.containers == counts.multicalls);
    // Every recorded page-type change was compared with the replayed frame.
    CHECK(s.page_types_checked > 1000);
}

TEST_CASE("replay: uncompressed and compressed files replay alike", "[replay]") {
    ScenarioOptions so;
    so.records = 5000;
    so.seed = 7;
    auto wo = small_chunks();
    wo.compress = false;
    auto a = open_replay(scenario_bytes(so, wo));
    auto b = open_replay(scenario_bytes(so));
    REQUIRE(a->replay);
    REQUIRE(b->replay);
    REQUIRE(a->replay->run_to(~0ull).ok());
    REQUIRE(b->replay->run_to(~0ull).ok());
    CHECK(a->replay->divergences().empty());
    CHECK(a->replay->stats().results_matched == b->replay->stats().results_matched);
    CHECK(a->replay->frames().frames.size() == b->replay->frames().frames.size());
}

TEST_CASE("replay: a trace whose snapshot contradicts itself is refused", "[replay]") {
    // A SnapVcpu for a domain that has no SnapDomain.
    auto sink = std::make_unique<trace::MemorySink>();
    trace::MemorySink* mem = sink.get();
    trace::Writer w(std::move(sink));
    trace::SnapMachine m{};
    m.h.type = static_cast<u16>(trace::RecordType::SnapMachine);
    m.h.size = sizeof m;
    m.nr_frames = 64;
    REQUIRE(w.add_snapshot(m.h).ok());
    trace::SnapVcpu v{};
    v.h.type = static_cast<u16>(trace::RecordType::SnapVcpu);
    v.h.size = sizeof v;
    v.h.domain = 3;
    REQUIRE(w.add_snapshot(v.h).ok());
    REQUIRE(w.finish().ok());
    auto t = open_replay(mem->bytes());
    REQUIRE_FALSE(t->replay);
    CHECK(t->error.find("snapshot record 1") != std::string::npos);
    CHECK(t->error.find("domain 3") != std::string::npos);
}
