// Pieces of the native kernel (guest/arch/x86_64/native/) that kmain.cpp
// strings together; each file holds one.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::native {

void serial_init(); // COM1 (console.cpp)

// TSC frequency against PIT channel 2 (tsc.cpp); 0 if the PIT never fired.
u64 calibrate_tsc_khz();

// isa-debug-exit (port 0xf4) with the hypervisor's values, as
// tests/boot/glasshouse_qemu.py decodes them; halts if there is no device.
[[noreturn]] void power_off(bool crashed);

} // namespace guest::native
