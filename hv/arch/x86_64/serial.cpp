#include "hv/arch/x86_64/serial.hpp"

#include "hv/arch/x86_64/cpu.hpp"

namespace arch {

namespace {
constexpr u16 kCom1 = 0x3F8;
constexpr u8 kLineStatusTxEmpty = 0x20;

void put(char c) {
    // Bounded wait: a missing UART must not hang the hypervisor.
    for (int i = 0; i < 100000 && !(inb(kCom1 + 5) & kLineStatusTxEmpty); i++)
        pause();
    outb(kCom1, static_cast<u8>(c));
}
} // namespace

void serial_init() {
    outb(kCom1 + 1, 0x00); // no interrupts
    outb(kCom1 + 3, 0x80); // DLAB
    outb(kCom1 + 0, 0x01); // 115200 baud
    outb(kCom1 + 1, 0x00);
    outb(kCom1 + 3, 0x03); // 8N1
    outb(kCom1 + 2, 0xC7); // FIFO on
    outb(kCom1 + 4, 0x03); // DTR | RTS
}

void serial_write(const char* s, usize n) {
    for (usize i = 0; i < n; i++) {
        if (s[i] == '\n') put('\r');
        put(s[i]);
    }
}

} // namespace arch
