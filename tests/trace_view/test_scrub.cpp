// Replay position: seeking, stepping, playing at a speed, stopping at the end.
#include <catch2/catch.hpp>

#include "fixture.hpp"
#include "gui/trace_view/scrub.hpp"

using namespace tv_test;

namespace {

std::unique_ptr<TraceModel> ten_records() {
    std::vector<std::vector<std::uint64_t>> recs;
    for (int i = 0; i < 10; i++)
        recs.push_back(bounce(std::uint16_t(i % 2), 0, 1000 + 1000 * std::uint64_t(i)));
    return model_of(recs); // records at 1000, 2000, ..., 10000 ns
}

} // namespace

TEST_CASE("seek and step move the position and bump the generation") {
    auto m = ten_records();
    ScrubState s(m.get());
    CHECK(s.applied() == 0);
    CHECK(s.current_record() == kNoRecord);
    auto g = s.generation();
    s.seek_record(4);
    CHECK(s.applied() == 5);
    CHECK(s.current_record() == 4);
    CHECK(s.time_ns() == 5000);
    CHECK(s.generation() != g);
    s.step(1);
    CHECK(s.current_record() == 5);
    s.step(-3);
    CHECK(s.current_record() == 2);
    s.step(-100);
    CHECK(s.applied() == 0);
    s.step(1000);
    CHECK(s.at_end());
    CHECK(s.current_record() == 9);
    s.seek_time(3500);
    CHECK(s.current_record() == 2); // the record at 3000
    s.seek_time(10);
    CHECK(s.applied() == 0);
    s.seek_fraction(1.0);
    CHECK(s.at_end());
    s.seek_fraction(0.0);
    CHECK(s.current_record() == 0); // the first record is at the start time
    g = s.generation();
    s.seek_record(0);
    CHECK(s.generation() == g); // no move, no change
}

TEST_CASE("playing advances trace time at the speed and stops at the end") {
    auto m = ten_records();
    ScrubState s(m.get());
    s.set_speed(1e-6); // 1 us of trace per wall second
    s.play();
    CHECK(s.playing());
    CHECK(s.advance(1.5)); // start 1000 + 1500 ns: record at 2000 applied
    CHECK(s.current_record() == 1);
    CHECK(!s.advance(0.1)); // 2600: nothing new
    CHECK(s.advance(1.0));  // 3600
    CHECK(s.current_record() == 2);
    CHECK(s.advance(100.0));
    CHECK(s.at_end());
    CHECK(!s.playing());
    // Play at the end starts over.
    s.play();
    CHECK(s.applied() == 0);
    s.pause();
    CHECK(!s.advance(1.0));
    s.set_speed(1e9);
    CHECK(s.speed() == ScrubState::kMaxSpeed);
}

TEST_CASE("stepping through a filter visits only passing records") {
    auto m = ten_records();
    TraceFilter f;
    f.hidden_domains = {1}; // odd records
    FilteredTrace ft = apply_filter(*m, f);
    ScrubState s(m.get());
    REQUIRE(s.step_matching(ft, +1));
    CHECK(s.current_record() == 0);
    REQUIRE(s.step_matching(ft, +1));
    CHECK(s.current_record() == 2);
    REQUIRE(s.step_matching(ft, +1));
    CHECK(s.current_record() == 4);
    REQUIRE(s.step_matching(ft, -1));
    CHECK(s.current_record() == 2);
    s.seek_record(8);
    CHECK(!s.step_matching(ft, +1));
    CHECK(s.current_record() == 8);
}
