// A truncated trace: the reader names the offset, replay runs every record
// before the damage and still matches them all.
#include "replay_fixture.hpp"

using namespace replay_test;

TEST_CASE("replay: a truncated file replays the records before the damage", "[replay]") {
    ScenarioOptions so;
    so.records = 20000;
    so.checkpoint_every = 500;
    auto bytes = scenario_bytes(so);
    auto whole = open_replay(bytes);
    u64 all = whole->replay->record_count();

    for (double frac : {0.3, 0.77}) {
        auto cut = bytes;
        cut.resize(static_cast<size_t>(static_cast<double>(bytes.size()) * frac));
        auto t = open_replay(cut);
        REQUIRE(t->replay);
        Replay& r = *t->replay;
        REQUIRE(r.damage().has_value());
        CHECK(r.damage()->offset > 0);
        CHECK(r.damage()->offset <= cut.size());
        CHECK(r.record_count() > 0);
        CHECK(r.record_count() < all);
        REQUIRE(r.run_to(~0ull).ok());
        CHECK(r.position() == r.record_count());
        for (const Divergence& d : r.divergences())
            INFO(d.message());
        // A call cut in half at the end is simply not executed.
        CHECK(r.divergences().empty());
        CHECK(r.stats().replayed > 0);
        CHECK(r.stats().results_matched == r.stats().replayed);
        CHECK(r.stats().checkpoints_matched == r.stats().checkpoints);
    }
}

TEST_CASE("replay: a file cut inside its header cannot be opened, with the offset", "[replay]") {
    ScenarioOptions so;
    so.records = 100;
    auto bytes = scenario_bytes(so);
    bytes.resize(60);
    auto t = open_replay(bytes);
    REQUIRE_FALSE(t->replay);
    CHECK(t->error.find("at byte") != std::string::npos);
}
