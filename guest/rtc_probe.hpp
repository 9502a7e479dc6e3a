// The `rtc` boot option: reads the CMOS RTC through port I/O, which the
// hypervisor mediates (hv/core/x86/guest_ports): domain 0 gets the chip,
// any other domain only its own index latch.
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

// Raises its virtual IOPL (PHYSDEVOP_set_iopl), then as domain 0 reads the
// date and time and compares them with the wall clock the hypervisor
// published; as a domU checks that the data port reads all-ones while the
// index latch reads back. Prints "Glasshouse rtc: ... ok" and returns true,
// or prints what differed and returns false.
bool run_rtc_probe(const xen::StartInfo& si);

} // namespace guest
