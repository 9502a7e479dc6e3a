#include "hv/core/x86/guest_ports.hpp"

namespace x86 {
namespace {

constexpr u8 kNmiDisable = 0x80; // bit 7 of the index port, not part of the index

u8 read_byte(GuestPorts& p, u16 port) {
    if (port == kCmosIndexPort) return p.cmos_index;
    if (port == kCmosDataPort && p.privileged) return p.cmos.read(p.cmos_index & ~kNmiDisable);
    return 0xFF;
}

void write_byte(GuestPorts& p, u16 port, u8 v) {
    if (port == kCmosIndexPort)
        p.cmos_index = v;
    else if (port == kCmosDataPort && p.privileged)
        p.cmos.write(p.cmos_index & ~kNmiDisable, v);
}

} // namespace

u32 guest_port_read(GuestPorts p, u16 port, unsigned size) {
    u32 v = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        v |= u32{read_byte(p, static_cast<u16>(port + i))} << (8 * i);
    return v;
}

void guest_port_write(GuestPorts p, u16 port, unsigned size, u32 value) {
    for (unsigned i = 0; i < size && i < 4; i++)
        write_byte(p, static_cast<u16>(port + i), static_cast<u8>(value >> (8 * i)));
}

} // namespace x86
