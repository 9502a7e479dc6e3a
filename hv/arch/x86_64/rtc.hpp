// The CMOS real-time clock (MC146818 registers at ports 0x70/0x71): read
// once at boot to give the guests' wall clock its epoch, and the chip
// behind domain 0's mediated access (hv/core/x86/guest_ports).
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

// Seconds since 1970-01-01 UTC as the RTC shows them now (0 if the RTC
// holds no sensible date). The RTC is assumed to keep UTC, as QEMU's does.
u64 rtc_read_unix_seconds();

// One CMOS register (reg < 0x80), index and data back to back. Callers
// hold the hypervisor lock, so no other index write comes in between.
u8 cmos_read(u8 reg);
void cmos_write(u8 reg, u8 value);

} // namespace arch
