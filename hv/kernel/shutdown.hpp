// Ending the machine with a status scripts can read. Under QEMU with
// `-device isa-debug-exit,iobase=0xf4,iosize=4`, QEMU exits with
// (value << 1) | 1, so: poweroff 33, reboot 35, dom0 crash 37, panic 39.
#pragma once

enum class MachineExit : unsigned {
    poweroff = 0x10,
    reboot = 0x11,
    crash = 0x12,
    panic = 0x13,
};

[[noreturn]] void machine_exit(MachineExit how);
