#include "hv/core/time/rtc_clock.hpp"

namespace hvtime {

CalendarTime rtc_calendar_time(const RtcRegisters& r) {
    constexpr u8 kBinaryMode = 0x04; // status B: values are binary, not BCD
    constexpr u8 kHours24 = 0x02;    // status B: 24-hour clock
    constexpr u8 kPm = 0x80;         // hour register, 12-hour mode
    auto val = [&](u8 v) { return (r.status_b & kBinaryMode) ? u32{v} : bcd_to_binary(v); };
    u32 hour = val(r.hour & 0x7F);
    if (!(r.status_b & kHours24)) hour = (hour % 12) + ((r.hour & kPm) ? 12 : 0);
    u32 century = r.century ? val(r.century) : 20;
    if (century < 19 || century > 21) century = 20; // no century register
    return {
        century * 100 + val(r.year), val(r.month), val(r.day), hour, val(r.minute), val(r.second)};
}

} // namespace hvtime
