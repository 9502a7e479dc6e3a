// The `timer` boot option: checks the hypervisor's clock and timers from
// the guest side (docs/pv-abi.md §1.9, §3.4.16).
#pragma once

namespace guest {

// Binds VIRQ_TIMER, stops the default periodic tick, arms a single-shot
// timer 10 ms ahead and polls the port; then checks system time (from
// vcpu_time_info) advanced by about 10 ms, that a past deadline with
// VCPU_SSHOTTMR_future is refused, and prints the runstate and wall clock.
// Prints "Glasshouse guest: timer ok ..." and returns true on success.
bool run_timer_test();

} // namespace guest
