// The hypervisor's GDB-protocol servers, one per serial port (serial_server):
//   gdb=com2      the debugger's connection: stock gdb; connecting stops
//                 domain 0 (gdb expects a stopped target).
//   control=com3  the tools' connection (glass, the workbench): the same
//                 packets, but nothing stops unless a tool asks
//                 (qGlasshouse.pause), so it can watch running guests.
// Either option takes com2 or com3; both servers run at once on different
// ports. Received bytes arrive by IRQ (I/O APIC -> one vector per server on
// the boot CPU).
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/lib/types.hpp"

struct Vcpu;

// Below the hypervisor's own vectors (0xF0-0xFF), above the exceptions:
// 0x40 the debugger's port, 0x41 the control port.
constexpr u8 kDebugSerialVectorBase = 0x40;
constexpr unsigned kDebugServers = 2;

// Reads the options; sets up the ports, interrupt routes and poll timers.
void gdb_server_init(const char* cmdline);
inline bool is_debug_serial_vector(unsigned vector) {
    return vector >= kDebugSerialVectorBase && vector < kDebugSerialVectorBase + kDebugServers;
}
// A server's vector, with the hypervisor lock held; sends the EOI.
void debug_serial_interrupt(unsigned vector);
// Guest-trap hook for #BP and #DB, lock held: true when a server consumed
// the trap (its breakpoint, step or watchpoint).
bool gdb_guest_trap(Vcpu* v, Regs& r, unsigned vector);
