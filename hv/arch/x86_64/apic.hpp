// Local APIC (SDM Vol. 3A ch. 11): the per-CPU timer that drives scheduling
// and guest timers, calibrated against the PIT together with the TSC.
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

constexpr u8 kTimerVector = 0xF0;
constexpr u8 kSpuriousVector = 0xFF;

void apic_timer_init();
void apic_eoi();
// Arms the timer to fire once after ns nanoseconds (0 disarms it).
void apic_timer_oneshot(u64 ns);
u64 tsc_hz();
// System time: nanoseconds since the timer was calibrated (boot).
u64 now_ns();
u64 timer_ticks(); // timer interrupts taken on this CPU since boot

// Called from the interrupt path for kTimerVector.
void apic_timer_interrupt();

} // namespace arch
