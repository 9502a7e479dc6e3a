// printk for the native kernel: COM1 by port I/O (16550, 115200 8N1), where
// the PV kernel uses console_io. Same line format, so the same tests and
// scripts read both.
#include "guest/console.hpp"

#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/native.hpp"
#include "hv/lib/format.hpp"

#include <cstdarg>

namespace guest {
namespace {

constexpr u16 kCom1 = 0x3f8;
constexpr u8 kLsrThrEmpty = 0x20;

void serial_putc(char c) {
    while (!(native::inb(kCom1 + 5) & kLsrThrEmpty)) {
    }
    native::outb(kCom1, static_cast<u8>(c));
}

} // namespace

void native::serial_init() {
    outb(kCom1 + 1, 0x00); // no interrupts
    outb(kCom1 + 3, 0x80); // DLAB: divisor follows
    outb(kCom1 + 0, 0x01); // 115200 baud
    outb(kCom1 + 1, 0x00);
    outb(kCom1 + 3, 0x03); // 8N1
    outb(kCom1 + 2, 0xc7); // FIFOs on and cleared
    outb(kCom1 + 4, 0x03); // DTR, RTS
}

void printk(const char* fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    usize len = format_v(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (len >= sizeof(buf)) len = sizeof(buf) - 1;
    for (usize i = 0; i < len; i++) {
        if (buf[i] == '\n') serial_putc('\r');
        serial_putc(buf[i]);
    }
}

} // namespace guest
