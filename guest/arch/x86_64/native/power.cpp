#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/native.hpp"

namespace guest::native {
namespace {

// The hypervisor's isa-debug-exit values (tests/boot/glasshouse_qemu.py):
// QEMU exits with status (v << 1) | 1.
constexpr u16 kDebugExitPort = 0xf4;
constexpr u32 kExitPoweroff = 0x10;
constexpr u32 kExitCrash = 0x12;

} // namespace

void power_off(bool crashed) {
    outl(kDebugExitPort, crashed ? kExitCrash : kExitPoweroff);
    for (;;)
        asm volatile("cli; hlt");
}

} // namespace guest::native
