#include "hv/arch/x86_64/rtc.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/core/time/calendar.hpp"

namespace arch {

namespace {
constexpr u8 kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08,
             kYear = 0x09, kStatusA = 0x0A, kStatusB = 0x0B, kCentury = 0x32;
constexpr u8 kUpdateInProgress = 0x80; // status A
constexpr u8 kBinaryMode = 0x04;       // status B: values are binary, not BCD
constexpr u8 kHours24 = 0x02;          // status B: 24-hour clock
constexpr u8 kPm = 0x80;               // hour register, 12-hour mode

u8 cmos(u8 reg) {
    outb(0x70, reg); // bit 7 clear keeps NMIs enabled
    return inb(0x71);
}

struct Raw {
    u8 sec, min, hour, day, month, year, century;
    bool operator==(const Raw&) const = default;
};

Raw read_raw() {
    while (cmos(kStatusA) & kUpdateInProgress)
        pause();
    return {cmos(kSeconds), cmos(kMinutes), cmos(kHours),  cmos(kDay),
            cmos(kMonth),   cmos(kYear),    cmos(kCentury)};
}
} // namespace

u8 cmos_read(u8 reg) {
    return cmos(reg & 0x7F);
}

void cmos_write(u8 reg, u8 value) {
    outb(0x70, reg & 0x7F);
    outb(0x71, value);
}

u64 rtc_read_unix_seconds() {
    // An update may start between the check and the reads: read until two
    // consecutive snapshots agree.
    Raw r = read_raw();
    for (Raw again = read_raw(); !(again == r); again = read_raw())
        r = again;
    u8 b = cmos(kStatusB);
    auto val = [b](u8 v) { return (b & kBinaryMode) ? u32{v} : hvtime::bcd_to_binary(v); };
    u32 hour = val(r.hour & 0x7F);
    if (!(b & kHours24)) hour = (hour % 12) + ((r.hour & kPm) ? 12 : 0);
    u32 century = r.century ? val(r.century) : 20;
    if (century < 19 || century > 21) century = 20; // no century register
    hvtime::CalendarTime t{
        century * 100 + val(r.year), val(r.month), val(r.day), hour, val(r.min), val(r.sec)};
    return hvtime::seconds_since_epoch(t);
}

} // namespace arch
