#include "hv/arch/x86_64/rtc.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/core/time/rtc_clock.hpp"

namespace arch {

u8 cmos_read(u8 reg) {
    outb(0x70, reg & 0x7F); // bit 7 clear keeps NMIs enabled
    return inb(0x71);
}

void cmos_write(u8 reg, u8 value) {
    outb(0x70, reg & 0x7F);
    outb(0x71, value);
}

u64 rtc_read_unix_seconds() {
    hvtime::RtcRegisters r = hvtime::read_rtc_registers(cmos_read);
    return hvtime::seconds_since_epoch(hvtime::rtc_calendar_time(r));
}

} // namespace arch
