#include "gui/model/frame_pacing.hpp"

#include <catch2/catch.hpp>

using glass::gui::FramePacer;

TEST_CASE("the window idles a second after the last input or animation", "[gui][pacing]") {
    FramePacer p(60, 10, 1.0);
    p.frame(0.0, true, false, false);
    CHECK_FALSE(p.idle());
    CHECK(p.budget() == Approx(1.0 / 60));
    p.frame(0.5, false, false, false);
    CHECK_FALSE(p.idle());
    p.frame(1.0, false, false, false);
    CHECK(p.idle());
    CHECK(p.budget() == Approx(0.1));
    // Input brings full rate back in the same frame.
    p.frame(5.0, true, false, false);
    CHECK_FALSE(p.idle());
    // An animation keeps it; so does a script or a benchmark.
    p.frame(7.0, false, true, false);
    p.frame(7.9, false, false, false);
    CHECK_FALSE(p.idle());
    p.frame(20.0, false, false, true);
    CHECK_FALSE(p.idle());
    p.frame(21.5, false, false, false);
    CHECK(p.idle());
}

TEST_CASE("the idle rate is never faster than the frame-rate cap", "[gui][pacing]") {
    FramePacer p(5, 10, 1.0);
    p.frame(0, false, false, false);
    p.frame(2, false, false, false);
    CHECK(p.idle());
    CHECK(p.budget() == Approx(0.2));
}
