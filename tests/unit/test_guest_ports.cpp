// The port I/O a PV domain reaches (hv/core/x86/guest_ports): the CMOS RTC
// mediated as Xen does it, everything else all-ones.
#include "hv/core/x86/guest_ports.hpp"

#include <catch2/catch.hpp>

#include <vector>

namespace {

struct FakeCmos final : x86::CmosChip {
    u8 regs[128] = {};
    std::vector<u8> touched; // registers accessed, in order
    u8 read(u8 reg) override {
        touched.push_back(reg);
        return regs[reg & 0x7F];
    }
    void write(u8 reg, u8 value) override {
        touched.push_back(reg);
        regs[reg & 0x7F] = value;
    }
};

} // namespace

TEST_CASE("the privileged domain reads and writes the CMOS through its latched index",
          "[x86][ports]") {
    FakeCmos chip;
    chip.regs[0x00] = 0x42; // seconds
    u8 index = 0;
    x86::GuestPorts dom0{index, true, chip};
    x86::guest_port_write(dom0, 0x70, 1, 0x80);         // index 0 with the NMI-disable bit
    CHECK(x86::guest_port_read(dom0, 0x70, 1) == 0x80); // the latch reads back whole
    CHECK(x86::guest_port_read(dom0, 0x71, 1) == 0x42);
    CHECK(chip.touched == std::vector<u8>{0x00}); // the chip never sees bit 7
    x86::guest_port_write(dom0, 0x70, 1, 0x0E);
    x86::guest_port_write(dom0, 0x71, 1, 0x5A);
    CHECK(chip.regs[0x0E] == 0x5A);
}

TEST_CASE("an unprivileged domain latches an index but never reaches the chip", "[x86][ports]") {
    FakeCmos chip;
    chip.regs[0x0E] = 0x11;
    u8 index = 0;
    x86::GuestPorts domu{index, false, chip};
    x86::guest_port_write(domu, 0x70, 1, 0x0E);
    CHECK(x86::guest_port_read(domu, 0x70, 1) == 0x0E);
    CHECK(x86::guest_port_read(domu, 0x71, 1) == 0xFF);
    x86::guest_port_write(domu, 0x71, 1, 0x99);
    CHECK(chip.regs[0x0E] == 0x11);
    CHECK(chip.touched.empty());
}

TEST_CASE("other ports read all-ones, and wide accesses go port by port", "[x86][ports]") {
    FakeCmos chip;
    chip.regs[0x09] = 0x26; // year
    u8 index = 0;
    x86::GuestPorts dom0{index, true, chip};
    CHECK(x86::guest_port_read(dom0, 0x60, 1) == 0xFF);
    CHECK(x86::guest_port_read(dom0, 0x3F8, 4) == 0xFFFFFFFFu);
    CHECK(x86::guest_port_read(dom0, 0xCFC, 2) == 0xFFFFu);
    // outw 0x70: 0x09 to the index port, the high byte to the data port.
    x86::guest_port_write(dom0, 0x70, 2, 0x3309);
    CHECK(chip.regs[0x09] == 0x33);
    // inw 0x70: the latch, then the data at it.
    CHECK(x86::guest_port_read(dom0, 0x70, 2) == 0x3309u);
    // A word read at 0x6F: all-ones below, the latch above.
    CHECK(x86::guest_port_read(dom0, 0x6F, 2) == 0x09FFu);
}
