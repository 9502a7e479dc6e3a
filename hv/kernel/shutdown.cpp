#include "hv/kernel/shutdown.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/layout.hpp"

void machine_exit(MachineExit how) {
    arch::cli();
    arch::outl(HV_QEMU_EXIT_PORT, static_cast<u32>(how));
    // Without the debug-exit device (real hardware): reset through the
    // keyboard controller for reboot, otherwise stop here.
    if (how == MachineExit::reboot) arch::outb(0x64, 0xFE);
    arch::halt_forever();
}
