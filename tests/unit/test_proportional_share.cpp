#include "hv/core/sched/proportional_share.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace sched;

namespace {
// One CPU, always-busy entities, 10 ms slices for `total_ns`: returns the
// CPU time each entity got.
std::vector<u64> simulate(std::vector<ShareEntity*> es, std::vector<ShareGroup*> groups,
                          u64 total_ns, u64 slice = 10'000'000) {
    std::vector<u64> got(es.size());
    u64 now = 0, period_start = 0;
    while (now < total_ns) {
        period_start = advance_period(now, period_start, groups.data(), groups.size());
        long i = pick(es.data(), es.size());
        if (i < 0) { // everyone capped: idle until the next period
            now = period_start + kPeriodNs;
            continue;
        }
        u64 run = slice;
        u64 left = es[i]->group ? cap_remaining(*es[i]->group) : ~0ull;
        if (run > left) run = left;
        if (run > period_start + kPeriodNs - now) run = period_start + kPeriodNs - now;
        charge(*es[i], run);
        got[i] += run;
        now += run;
    }
    return got;
}
} // namespace

TEST_CASE("CPU time is shared in proportion to weights", "[sched]") {
    ShareGroup a{256}, b{512}, c{768};
    ShareEntity ea{&a}, eb{&b}, ec{&c};
    auto got = simulate({&ea, &eb, &ec}, {&a, &b, &c}, 12'000'000'000ull);
    double total = double(got[0] + got[1] + got[2]);
    CHECK(got[0] / total == Approx(1.0 / 6).epsilon(0.02));
    CHECK(got[1] / total == Approx(2.0 / 6).epsilon(0.02));
    CHECK(got[2] / total == Approx(3.0 / 6).epsilon(0.02));
}

TEST_CASE("equal weights share equally, whatever the start order", "[sched]") {
    ShareGroup a, b;
    ShareEntity ea{&a, 0}, eb{&b, 0};
    auto got = simulate({&ea, &eb}, {&a, &b}, 1'000'000'000ull);
    CHECK(got[0] == got[1]);
}

TEST_CASE("a cap limits a domain to its percentage of one CPU", "[sched]") {
    ShareGroup capped{256, 25}, other{256, 0};
    ShareEntity e1{&capped}, e2{&other};
    auto got = simulate({&e1, &e2}, {&capped, &other}, 10'000'000'000ull);
    CHECK(double(got[0]) / 10e9 == Approx(0.25).epsilon(0.01));
    CHECK(got[0] + got[1] == 10'000'000'000ull); // the other takes the rest

    // Alone and capped: the CPU idles for the rest of each period.
    ShareEntity alone{&capped, 0};
    capped.used_in_period = 0;
    auto solo = simulate({&alone}, {&capped}, 1'000'000'000ull);
    CHECK(solo[0] == 250'000'000ull);
}

TEST_CASE("a waking vCPU borrows at most kWakeCredit of virtual time", "[sched]") {
    ShareGroup g;
    ShareEntity sleeper{&g, 0}, busy{&g, 5'000'000'000ull};
    on_wake(sleeper, busy.vtime);
    CHECK(sleeper.vtime == busy.vtime - kWakeCredit);
    ShareEntity ahead{&g, busy.vtime + 7};
    on_wake(ahead, busy.vtime);
    CHECK(ahead.vtime == busy.vtime + 7); // never moved backwards
}

TEST_CASE("pick returns -1 when every candidate is capped out", "[sched]") {
    ShareGroup g{256, 10};
    g.used_in_period = kPeriodNs; // far over 10 %
    ShareEntity e{&g};
    ShareEntity* list[] = {&e};
    CHECK(pick(list, 1) == -1);
    CHECK(cap_remaining(g) == 0);
    ShareGroup* groups[] = {&g};
    u64 start = advance_period(kPeriodNs + 5, 0, groups, 1);
    CHECK(start == kPeriodNs);
    CHECK(pick(list, 1) == 0);
}
