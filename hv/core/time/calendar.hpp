// Calendar date -> seconds since 1970-01-01 00:00 UTC, for the wall clock
// read once from the CMOS RTC at boot (shared_info wc_sec, docs/pv-abi.md §1.9).
#pragma once

#include "hv/lib/types.hpp"

namespace hvtime {

struct CalendarTime {
    u32 year;  // full year, e.g. 2026
    u32 month; // 1-12
    u32 day;   // 1-31
    u32 hour, minute, second;
};

// Proleptic Gregorian calendar; years before 1970 give 0.
u64 seconds_since_epoch(const CalendarTime& t);

// The RTC's two-digit BCD register value -> binary (0x59 -> 59).
constexpr u32 bcd_to_binary(u8 v) {
    return (v & 0x0F) + (v >> 4) * 10u;
}

} // namespace hvtime
