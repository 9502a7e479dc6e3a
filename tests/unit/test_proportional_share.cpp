#include "hv/core/sched/proportional_share.hpp"

#include <algorithm>
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

TEST_CASE("wake-up preemption needs a lag beyond the switch allowance", "[sched][wake]") {
    ShareGroup g, heavy{512};
    ShareEntity woken{&g, 1'000'000'000ull};
    CHECK(wake_preempts(woken, woken.vtime + kSwitchAllowance + 1));
    CHECK_FALSE(wake_preempts(woken, woken.vtime + kSwitchAllowance)); // within C: no switch
    CHECK_FALSE(wake_preempts(woken, woken.vtime));
    CHECK_FALSE(wake_preempts(woken, woken.vtime - 5)); // ahead of the runner
    ShareGroup capped{256, 10};
    capped.used_in_period = kPeriodNs;
    ShareEntity over_cap{&capped, 0};
    CHECK_FALSE(wake_preempts(over_cap, 10 * kSwitchAllowance)); // out of cap: never

    // The runner's virtual time is compared as charged up to now, weighted.
    ShareEntity runner{&heavy, 100};
    CHECK(vtime_if_charged(runner, 2'000'000) == 100 + 1'000'000);
    CHECK(runner.vtime == 100); // nothing charged for real
}

namespace {
// One CPU with wake-ups, driven by the same calls hv/sched/schedule.cpp
// makes: an entity either spins (burst_ns == 0) or runs burst_ns and then
// blocks for sleep_ns, again and again (an I/O-bound domain).
struct SimTask {
    ShareGroup group;
    ShareEntity e{&group};
    u64 burst_ns = 0, sleep_ns = 0;
    u64 first_wake_ns = 0; // blocked until then
    // Results.
    u64 got_ns = 0, wakeups = 0, max_wait_ns = 0, total_wait_ns = 0;
    // State.
    bool blocked = false;
    u64 wake_at = 0, left = 0, woke_at = 0;
    bool waiting = false; // woke, not yet run
};

void simulate_wakeups(std::vector<SimTask*> ts, u64 total_ns, bool preempt,
                      u64 slice = 10'000'000) {
    u64 now = 0;
    for (SimTask* t : ts) {
        t->blocked = t->first_wake_ns > 0;
        t->wake_at = t->first_wake_ns;
        t->left = t->burst_ns;
    }
    auto min_others = [&](const SimTask* self) {
        u64 m = ~0ull;
        for (SimTask* t : ts)
            if (t != self && !t->blocked && t->e.vtime < m) m = t->e.vtime;
        return m == ~0ull ? 0 : m;
    };
    auto choose = [&]() -> SimTask* {
        std::vector<ShareEntity*> c;
        std::vector<SimTask*> owner;
        for (SimTask* t : ts)
            if (!t->blocked) c.push_back(&t->e), owner.push_back(t);
        long i = pick(c.data(), c.size());
        return i < 0 ? nullptr : owner[static_cast<usize>(i)];
    };
    SimTask* cur = nullptr;
    u64 slice_end = 0;
    auto switch_to = [&](SimTask* next) {
        if (next != cur) slice_end = now + slice;
        cur = next;
        if (cur && cur->waiting) {
            u64 w = now - cur->woke_at;
            cur->total_wait_ns += w;
            if (w > cur->max_wait_ns) cur->max_wait_ns = w;
            cur->waiting = false;
        }
    };
    switch_to(choose());
    while (now < total_ns) {
        u64 next = total_ns;
        if (cur) next = std::min(next, slice_end);
        if (cur && cur->burst_ns) next = std::min(next, now + cur->left);
        for (SimTask* t : ts)
            if (t->blocked) next = std::min(next, t->wake_at);
        if (cur) {
            charge(cur->e, next - now);
            cur->got_ns += next - now;
            if (cur->burst_ns) cur->left -= next - now;
        }
        now = next;
        bool repick = !cur || now >= slice_end;
        if (cur && cur->burst_ns && cur->left == 0) { // blocks
            cur->blocked = true;
            cur->wake_at = now + cur->sleep_ns;
            cur->left = cur->burst_ns;
            cur = nullptr;
            repick = true;
        }
        for (SimTask* t : ts) {
            if (!t->blocked || t->wake_at != now) continue;
            t->blocked = false;
            t->wakeups++;
            t->waiting = true;
            t->woke_at = now;
            on_wake(t->e, min_others(t));
            if (preempt && cur && wake_preempts(t->e, cur->e.vtime)) repick = true;
        }
        if (repick) {
            SimTask* n = choose();
            if (n != cur) cur = nullptr; // a new slice for the newcomer
            switch_to(n);
            if (slice_end <= now) slice_end = now + slice;
        }
    }
}
} // namespace

TEST_CASE("a woken interactive domain preempts a CPU hog at once", "[sched][wake]") {
    // The paper's isolation experiment: 50 us of work every ms next to a hog.
    for (bool preempt : {false, true}) {
        SimTask hog, io;
        io.burst_ns = 50'000;
        io.sleep_ns = 950'000;
        io.first_wake_ns = 20'000'000; // the hog is well under way
        simulate_wakeups({&hog, &io}, 2'000'000'000ull, preempt);
        INFO("preempt " << preempt << ": max wait " << io.max_wait_ns << " ns");
        if (preempt) {
            CHECK(io.max_wait_ns == 0);
            // It gets all it asks for (5 %), the hog the rest.
            CHECK(double(io.got_ns) / 2e9 == Approx(0.05).epsilon(0.02));
        } else {
            CHECK(io.max_wait_ns > 5'000'000); // waits out the hog's slice
        }
        CHECK(hog.got_ns + io.got_ns == 2'000'000'000ull);
    }
}

TEST_CASE("waking often does not buy more than the domain's share", "[sched][wake]") {
    // A domain that wants 95 % of the CPU in short bursts with short sleeps
    // (so it wakes 500 times a second and is always behind the hog) gets
    // its fair half, no more, with equal weights; with weight 2:1 for the
    // hog it gets a third.
    for (u32 hog_weight : {256u, 512u}) {
        SimTask hog, waker;
        hog.group.weight = hog_weight;
        waker.burst_ns = 1'900'000;
        waker.sleep_ns = 100'000;
        simulate_wakeups({&hog, &waker}, 10'000'000'000ull, true);
        double share = double(waker.got_ns) / 10e9;
        INFO("hog weight " << hog_weight << ": waker share " << share << ", " << waker.wakeups
                           << " wake-ups");
        CHECK(waker.wakeups > 1000);
        CHECK(share == Approx(256.0 / (256 + hog_weight)).epsilon(0.03));
    }
}

TEST_CASE("a bursty domain next to two hogs gets a third", "[sched][wake]") {
    // Three always-wanting domains, one of them in many short bursts: each
    // gets a third although the bursty one preempts on most wake-ups.
    SimTask hog1, hog2, bursty;
    bursty.burst_ns = 300'000;
    bursty.sleep_ns = 10'000;
    simulate_wakeups({&hog1, &hog2, &bursty}, 9'000'000'000ull, true);
    CHECK(double(bursty.got_ns) / 9e9 == Approx(1.0 / 3).epsilon(0.03));
    CHECK(double(hog1.got_ns) / 9e9 == Approx(1.0 / 3).epsilon(0.03));
}

TEST_CASE("a long sleeper cannot cash in the time it slept", "[sched][wake]") {
    // Asleep for 2 s while a hog runs, then CPU-bound: it may lead by at
    // most the wake credit plus a slice and the switch allowance, then the
    // two alternate.
    SimTask hog, sleeper;
    sleeper.burst_ns = 20'000'000'000ull; // effectively never blocks again
    sleeper.first_wake_ns = 2'000'000'000ull;
    simulate_wakeups({&hog, &sleeper}, 2'200'000'000ull, true);
    CHECK(hog.got_ns >=
          2'000'000'000ull + 100'000'000ull - kWakeCredit - 10'000'000 - kSwitchAllowance);
    CHECK(sleeper.got_ns <= 100'000'000ull + kWakeCredit + 10'000'000 + kSwitchAllowance);
}
