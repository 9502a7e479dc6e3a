#include "hv/arch/x86_64/serial_port.hpp"

#include "hv/arch/x86_64/cpu.hpp"

namespace arch {

namespace {
constexpr u8 kLsrDataReady = 0x01;
constexpr u8 kLsrTxEmpty = 0x20;
constexpr usize kTxFifo = 16;
} // namespace

void serial_port_init_rx_irq(u16 port) {
    outb(port + 1, 0x00); // interrupts off while programming
    outb(port + 3, 0x80); // DLAB
    outb(port + 0, 0x01); // 115200 baud
    outb(port + 1, 0x00);
    outb(port + 3, 0x03);                 // 8N1
    outb(port + 2, 0x07);                 // FIFO on and cleared, trigger at 1 byte
    outb(port + 4, 0x0B);                 // DTR | RTS | OUT2
    while (inb(port + 5) & kLsrDataReady) // drop what arrived before us
        (void)inb(port);
    outb(port + 1, 0x01); // received-data interrupt
}

void serial_port_write(u16 port, const u8* data, usize n) {
    // Once the transmitter is empty its 16-byte FIFO takes a burst without
    // polling: half the port accesses, each a costly exit under emulation.
    for (usize i = 0; i < n;) {
        // Bounded wait: a missing UART must not hang the hypervisor.
        for (int k = 0; k < 100000 && !(inb(port + 5) & kLsrTxEmpty); k++)
            pause();
        for (usize end = i + kTxFifo < n ? i + kTxFifo : n; i < end; i++)
            outb(port, data[i]);
    }
}

bool serial_port_read(u16 port, u8& byte) {
    if (!(inb(port + 5) & kLsrDataReady)) return false;
    byte = inb(port);
    return true;
}

void serial_port_scratch_write(u16 port, u8 value) {
    outb(port + 7, value);
}

u8 serial_port_scratch_read(u16 port) {
    return inb(port + 7);
}

} // namespace arch
