// What a PV domain's IN and OUT instructions reach once its virtual IOPL
// allows them (Xen's guest_io_read/write, xen/arch/x86/pv/emul-priv-op.c).
// No domain owns hardware ports yet, except through one mediated device:
// the CMOS RTC at 0x70/0x71, as Xen does it (rtc_guest_read/write). Every
// PV domain latches its own index at 0x70 (reads give the latch back);
// only the privileged domain reaches the chip through 0x71, the index
// written to the real 0x70 (NMI bit clear) just before. Everything else
// reads all-ones and drops writes. Wider accesses go port by port, as on
// the bus.
#pragma once

#include "hv/lib/types.hpp"

namespace x86 {

constexpr u16 kCmosIndexPort = 0x70, kCmosDataPort = 0x71;

// The chip, behind the hypervisor's lock (arch/x86_64/rtc).
class CmosChip {
  public:
    virtual u8 read(u8 reg) = 0;
    virtual void write(u8 reg, u8 value) = 0;

  protected:
    ~CmosChip() = default;
};

// A domain's view of the ports: its latched CMOS index and whether it may
// reach the chip.
struct GuestPorts {
    u8& cmos_index;
    bool privileged;
    CmosChip& cmos;
};

// `size` is 1, 2 or 4 bytes; the value is zero-extended from it.
u32 guest_port_read(GuestPorts p, u16 port, unsigned size);
void guest_port_write(GuestPorts p, u16 port, unsigned size, u32 value);

} // namespace x86
