#include "hv/core/time/calendar.hpp"

namespace hvtime {

namespace {
bool is_leap(u32 y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
constexpr u32 kDaysBeforeMonth[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
} // namespace

u64 seconds_since_epoch(const CalendarTime& t) {
    if (t.year < 1970 || t.month < 1 || t.month > 12 || t.day < 1) return 0;
    u64 days = 0;
    for (u32 y = 1970; y < t.year; y++)
        days += is_leap(y) ? 366 : 365;
    days += kDaysBeforeMonth[t.month - 1];
    if (t.month > 2 && is_leap(t.year)) days++;
    days += t.day - 1;
    return ((days * 24 + t.hour) * 60 + t.minute) * 60 + t.second;
}

} // namespace hvtime
