// Bringing up the other physical CPUs (application processors) that ACPI
// lists. Each gets its own stack block, GDT window, TSS and IDT load, and its
// local APIC enabled; until the scheduler runs vCPUs on several CPUs (with
// the locking that needs), the APs are parked with interrupts off.
#pragma once

namespace arch {

// Starts every enabled CPU in the MADT; returns how many CPUs are online
// (including the boot CPU).
unsigned smp_boot_aps();
unsigned cpus_online();

} // namespace arch
