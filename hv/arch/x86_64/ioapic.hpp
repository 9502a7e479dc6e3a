// Minimal I/O APIC driver (82093AA datasheet; ACPI spec §5.2.12.3): just
// enough to route one ISA interrupt line to a vector on one CPU. The
// legacy 8259s stay masked (apic.cpp), so the I/O APIC is the only path.
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

// Routes ISA IRQ `irq` (edge, active high, as ISA lines are when the MADT
// lists no override for them: QEMU overrides only IRQ 0) to `vector` on the
// CPU with local APIC id `apic_id`, fixed delivery, unmasked. The I/O APIC
// is the one at the standard address 0xFEC00000 (QEMU's pc machine).
void ioapic_route_isa_irq(unsigned irq, u8 vector, u32 apic_id);

} // namespace arch
