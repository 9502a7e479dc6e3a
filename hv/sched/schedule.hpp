// Choosing which vCPU runs on this CPU, and the switch between vCPUs.
// Hypervisor work runs to completion: every entry from a guest ends in
// exit_to_guest -> prepare_guest_return, which picks the vCPU to resume
// (idling with interrupts on when none can run) and loads its state.
#pragma once

#include "hv/domain/vcpu.hpp"

// Makes v eligible to run (start, unpause, wake-up from block/poll).
void vcpu_wake(Vcpu* v);
// The running vCPU stops until vcpu_wake (SCHEDOP_block, SCHEDOP_poll).
void vcpu_block(Vcpu* v);
// SCHEDOP_poll: block until an event of the domain becomes pending or
// system time reaches deadline_ns (0 = no deadline).
void vcpu_poll(Vcpu* v, u64 deadline_ns);
// VCPUOP_down / domain teardown: v stops, its timers with it.
void vcpu_down(Vcpu* v);
// If v runs on another CPU, makes that CPU re-enter the hypervisor (to
// deliver an event to v).
void vcpu_kick(Vcpu* v);
// SCHEDOP_yield: let other runnable vCPUs go first.
void vcpu_yield(Vcpu* v);
// Timer interrupt: runs this CPU's expired timers (time slices, guest
// timers, poll timeouts).
void scheduler_tick();
// Registers a vCPU with the scheduler (domain construction).
void sched_add_vcpu(Vcpu* v);
void sched_remove_vcpu(Vcpu* v);

extern "C" void prepare_guest_return();
extern "C" [[noreturn]] void exit_to_guest();
