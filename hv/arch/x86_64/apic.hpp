// Local APIC (SDM Vol. 3A ch. 11): the per-CPU timer that drives scheduling
// and guest timers, calibrated against the PIT together with the TSC.
#pragma once

#include "hv/core/time/scale.hpp"
#include "hv/lib/types.hpp"

namespace arch {

constexpr u8 kTimerVector = 0xF0;
constexpr u8 kSpuriousVector = 0xFF;

void apic_timer_init();
void apic_eoi();
// This CPU's local APIC id.
u32 apic_id();
// Enables an application processor's local APIC (timer masked: the AP has
// no scheduling work yet).
void apic_init_ap();
// INIT and STARTUP inter-processor interrupts (SDM Vol. 3A §8.4.4.1).
void apic_send_init(u32 apic_id);
void apic_send_startup(u32 apic_id, u8 vector_page);
// A fixed-delivery IPI of `vector` to one CPU.
void apic_send_fixed(u32 apic_id, u8 vector);
// Arms the timer to fire once after ns nanoseconds (0 disarms it). Delays
// beyond the counter's range fire early; the caller then re-arms.
void apic_timer_oneshot(u64 ns);
u64 tsc_hz();
// System time: nanoseconds since the timer was calibrated (boot), computed
// with the same TSC scale the guests get in vcpu_time_info.
u64 now_ns();
// The TSC at system time 0 and the TSC -> ns scale (hv/time builds the
// guests' vcpu_time_info from them).
u64 tsc_at_boot();
hvtime::TimeScale tsc_scale();
u64 timer_ticks(); // timer interrupts taken on this CPU since boot

// Called from the interrupt path for kTimerVector.
void apic_timer_interrupt();

} // namespace arch
