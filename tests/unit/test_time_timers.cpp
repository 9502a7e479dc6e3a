#include "hv/core/time/calendar.hpp"
#include "hv/core/time/rtc_clock.hpp"
#include "hv/core/time/runstate.hpp"
#include "hv/core/time/timer_queue.hpp"

#include <catch2/catch.hpp>
#include <vector>

using hvtime::Timer;
using hvtime::TimerQueue;

namespace {
std::vector<Timer*> drain(TimerQueue& q, u64 now) {
    std::vector<Timer*> out;
    while (Timer* t = q.pop_expired(now))
        out.push_back(t);
    return out;
}
} // namespace

TEST_CASE("timer queue orders by deadline, FIFO among equals", "[time]") {
    TimerQueue q;
    Timer a, b, c, d;
    CHECK(q.next_deadline() == hvtime::kNoDeadline);
    q.arm(&a, 300);
    q.arm(&b, 100);
    q.arm(&c, 200);
    q.arm(&d, 100);
    CHECK(q.next_deadline() == 100);
    CHECK(drain(q, 99).empty());
    CHECK(drain(q, 100) == std::vector<Timer*>{&b, &d});
    CHECK(q.next_deadline() == 200);
    CHECK(drain(q, 1000) == std::vector<Timer*>{&c, &a});
    CHECK(q.empty());
    CHECK(!a.armed());
}

TEST_CASE("re-arming moves a timer; cancel removes it", "[time]") {
    TimerQueue q, other;
    Timer a, b;
    q.arm(&a, 100);
    q.arm(&b, 200);
    q.arm(&a, 300); // re-arm later
    CHECK(q.next_deadline() == 200);
    q.cancel(&b);
    CHECK(!b.armed());
    CHECK(q.next_deadline() == 300);
    q.cancel(&b);      // cancelling an idle timer is harmless
    other.arm(&a, 50); // migrates between queues
    CHECK(q.empty());
    CHECK(other.next_deadline() == 50);
    CHECK(a.queue == &other);
}

TEST_CASE("a handler may re-arm its timer while draining", "[time]") {
    TimerQueue q;
    Timer periodic;
    q.arm(&periodic, 10);
    unsigned fired = 0;
    u64 now = 35;
    while (Timer* t = q.pop_expired(now)) {
        fired++;
        q.arm(t, t->deadline + 10); // 10, 20, 30 fire; 40 stays
    }
    CHECK(fired == 3);
    CHECK(q.next_deadline() == 40);
}

TEST_CASE("runstate charges time to the state left", "[time]") {
    xen::RunstateInfo r{};
    r.state = xen::RUNSTATE_offline;
    hvtime::runstate_change(r, xen::RUNSTATE_runnable, 100);
    hvtime::runstate_change(r, xen::RUNSTATE_running, 150);
    hvtime::runstate_change(r, xen::RUNSTATE_blocked, 400);
    hvtime::runstate_change(r, xen::RUNSTATE_runnable, 390); // stale sample: no negative time
    CHECK(r.time[xen::RUNSTATE_offline] == 100);
    CHECK(r.time[xen::RUNSTATE_runnable] == 50);
    CHECK(r.time[xen::RUNSTATE_running] == 250);
    CHECK(r.time[xen::RUNSTATE_blocked] == 0);
    CHECK(r.state == xen::RUNSTATE_runnable);
    auto s = hvtime::runstate_snapshot(r, 1000);
    CHECK(s.time[xen::RUNSTATE_runnable] == 650);
    CHECK(s.state_entry_time == 1000);
    CHECK(r.state_entry_time == 400);
    u64 sum = 0;
    for (u64 t : s.time)
        sum += t;
    CHECK(sum == 1000); // every nanosecond since 0 is in exactly one state
}

TEST_CASE("calendar dates convert to Unix time", "[time]") {
    using hvtime::CalendarTime;
    CHECK(hvtime::seconds_since_epoch(CalendarTime{1970, 1, 1, 0, 0, 0}) == 0);
    CHECK(hvtime::seconds_since_epoch(CalendarTime{2000, 3, 1, 0, 0, 0}) == 951868800);
    CHECK(hvtime::seconds_since_epoch(CalendarTime{2024, 2, 29, 12, 34, 56}) == 1709210096);
    CHECK(hvtime::seconds_since_epoch(CalendarTime{2038, 1, 19, 3, 14, 8}) == 2147483648ull);
    CHECK(hvtime::seconds_since_epoch(CalendarTime{2100, 12, 31, 23, 59, 59}) == 4133980799ull);
    CHECK(hvtime::seconds_since_epoch(CalendarTime{1969, 12, 31, 0, 0, 0}) == 0);
    CHECK(hvtime::bcd_to_binary(0x59) == 59);
}

TEST_CASE("RTC registers decode as BCD or binary, 12- or 24-hour, with or without a century",
          "[time][rtc]") {
    // 2026-12-02 20:57:26, BCD, 24-hour, century register 0x20.
    hvtime::RtcRegisters bcd{0x26, 0x57, 0x20, 0x02, 0x12, 0x26, 0x20, 0x02};
    hvtime::CalendarTime t = hvtime::rtc_calendar_time(bcd);
    CHECK((t.year == 2026 && t.month == 12 && t.day == 2));
    CHECK((t.hour == 20 && t.minute == 57 && t.second == 26));
    CHECK(hvtime::seconds_since_epoch(t) == 1796245046u);
    // The same in binary, 12-hour (8 PM), no century register.
    hvtime::RtcRegisters bin{26, 57, 0x80 | 8, 2, 12, 26, 0, 0x04};
    t = hvtime::rtc_calendar_time(bin);
    CHECK((t.year == 2026 && t.hour == 20 && t.minute == 57));
    // 12 AM is hour 0, 12 PM hour 12.
    CHECK(hvtime::rtc_calendar_time({0, 0, 0x12, 1, 1, 0x26, 0x20, 0}).hour == 0);
    CHECK(hvtime::rtc_calendar_time({0, 0, 0x92, 1, 1, 0x26, 0x20, 0}).hour == 12);
}

TEST_CASE("an RTC read waits out an update and retries until two snapshots agree", "[time][rtc]") {
    int reads_of_seconds = 0, status_reads = 0;
    auto read = [&](u8 reg) -> u8 {
        if (reg == hvtime::rtc_reg::kStatusA) return ++status_reads < 3 ? 0x80 : 0x00;
        if (reg == hvtime::rtc_reg::kSeconds) return ++reads_of_seconds < 2 ? 0x59 : 0x00;
        return 0x01;
    };
    hvtime::RtcRegisters r = hvtime::read_rtc_registers(read);
    CHECK(status_reads >= 3);     // two "update in progress" answers waited out
    CHECK(r.second == 0x00);      // the first snapshot (0x59) was superseded
    CHECK(reads_of_seconds == 3); // 0x59, then 0x00 twice
}
