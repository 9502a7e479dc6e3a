// The extra 16550 UARTs the GDB-protocol servers use (COM2 0x2F8 on IRQ 3,
// COM3 0x3E8 on IRQ 4): byte transmit and receive with the receive
// interrupt. COM1 stays the console (serial.hpp); it shares IRQ 4 with COM3
// but never enables its interrupts, so every IRQ 4 edge is COM3's.
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

constexpr u16 kCom2 = 0x2F8;
constexpr unsigned kCom2Irq = 3;
constexpr u16 kCom3 = 0x3E8;
constexpr unsigned kCom3Irq = 4;

// 115200 8N1, FIFO with a one-byte trigger, receive interrupt enabled and
// OUT2 set (the gate between the UART and its IRQ line on PC hardware).
void serial_port_init_rx_irq(u16 port);
void serial_port_write(u16 port, const u8* data, usize n);
// Reads one received byte; false when the receive buffer is empty.
bool serial_port_read(u16 port, u8& byte);
// The scratch register (offset 7): probing whether a UART is there.
void serial_port_scratch_write(u16 port, u8 value);
u8 serial_port_scratch_read(u16 port);

} // namespace arch
