// The hypervisor's GDB server: a gdb::Session on COM2 driving HvTarget.
// Enabled by the hypervisor option gdb=com2. Received bytes arrive by IRQ 3
// (I/O APIC -> kGdbSerialVector on the boot CPU); a poll timer on the boot
// CPU also drains the port and reports stops, because a stop can only be
// reported once the stopped domain's vCPUs have left their CPUs, which
// happens after the trap that caused it.
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/lib/types.hpp"

struct Vcpu;

// Below the hypervisor's own vectors (0xF0-0xFF), above the exceptions.
constexpr u8 kGdbSerialVector = 0x40;

// Reads the option; sets up COM2, the interrupt route and the poll timer.
void gdb_server_init(const char* cmdline);
// kGdbSerialVector, with the hypervisor lock held; sends the EOI.
void gdb_serial_interrupt();
// Guest-trap hook for #BP and #DB, lock held: true when the debugger
// consumed the trap (its breakpoint, step or watchpoint).
bool gdb_guest_trap(Vcpu* v, Regs& r, unsigned vector);
