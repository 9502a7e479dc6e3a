// Per-CPU timers on the one-shot LAPIC timer: every timer of a CPU sits in
// that CPU's deadline-ordered queue (hv/core/time/timer_queue), and the
// LAPIC is programmed for the earliest deadline. Guest timers, poll
// timeouts and the scheduler's time slice all go through here.
//
// Concurrency contract: called with interrupts off (hypervisor code runs
// so), on the CPU whose queue is used; a timer lives on the queue of the
// CPU that last armed it.
#pragma once

#include "hv/core/time/timer_queue.hpp"
#include "hv/lib/types.hpp"

// Arms t on this CPU for absolute system time `deadline` (ns); a deadline
// already past fires at the next timer interrupt, which comes at once.
void timer_arm(hvtime::Timer* t, u64 deadline);
void timer_cancel(hvtime::Timer* t);
// Runs every expired timer of this CPU (timer interrupt).
void timer_run_expired();
// Programs this CPU's LAPIC timer for its earliest deadline; called before
// returning to a guest or idling. Cheap when nothing changed.
void timer_reprogram();
