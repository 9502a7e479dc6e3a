// The MC146818 CMOS RTC's date and time, read through any register reader:
// the hypervisor's own port I/O at boot (hv/arch/x86_64/rtc) and a PV
// guest's trapped IN/OUT (guest/rtc_probe) share the registers, the read
// protocol and the decoding.
#pragma once

#include "hv/core/time/calendar.hpp"

namespace hvtime {

struct RtcRegisters {
    u8 second, minute, hour, day, month, year, century, status_b;
    bool operator==(const RtcRegisters&) const = default;
};

namespace rtc_reg {
constexpr u8 kSeconds = 0x00, kMinutes = 0x02, kHours = 0x04, kDay = 0x07, kMonth = 0x08,
             kYear = 0x09, kStatusA = 0x0A, kStatusB = 0x0B, kCentury = 0x32;
constexpr u8 kUpdateInProgress = 0x80; // status A
} // namespace rtc_reg

// The calendar time the registers show: BCD or binary, 12- or 24-hour as
// status B says; a century register outside 19..21 (none) means 20xx.
CalendarTime rtc_calendar_time(const RtcRegisters& r);

// Reads the registers with `read(u8 reg) -> u8`: waits out an update in
// progress, then reads until two consecutive snapshots agree (an update
// may start between the check and the reads).
template <class ReadReg>
RtcRegisters read_rtc_registers(ReadReg&& read) {
    using namespace rtc_reg;
    auto snapshot = [&] {
        while (read(kStatusA) & kUpdateInProgress)
            __builtin_ia32_pause();
        return RtcRegisters{read(kSeconds), read(kMinutes), read(kHours),   read(kDay),
                            read(kMonth),   read(kYear),    read(kCentury), read(kStatusB)};
    };
    RtcRegisters r = snapshot();
    for (RtcRegisters again = snapshot(); !(again == r); again = snapshot())
        r = again;
    return r;
}

} // namespace hvtime
