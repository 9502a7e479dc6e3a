#include "hv/arch/x86_64/ioapic.hpp"

#include "hv/arch/x86_64/paging.hpp"

namespace arch {

namespace {
// build_direct_map maps 0xFEC00000..4 GiB uncached, so the registers are
// reached through the direct map.
constexpr u64 kIoapicPhys = 0xFEC00000;
constexpr u32 kRegSelect = 0x00 / 4;
constexpr u32 kRegWindow = 0x10 / 4;
constexpr u32 kRedirectionBase = 0x10; // two 32-bit registers per entry

void write_reg(u32 reg, u32 value) {
    volatile u32* io = phys_to_virt<volatile u32>(kIoapicPhys);
    io[kRegSelect] = reg;
    io[kRegWindow] = value;
}
} // namespace

void ioapic_route_isa_irq(unsigned irq, u8 vector, u32 apic_id) {
    u32 entry = kRedirectionBase + 2 * irq;
    // Mask while the destination changes, then write the low word last:
    // delivery mode 000 (fixed), physical destination, active high, edge,
    // unmasked.
    write_reg(entry, 1u << 16);
    write_reg(entry + 1, apic_id << 24);
    write_reg(entry, vector);
}

} // namespace arch
