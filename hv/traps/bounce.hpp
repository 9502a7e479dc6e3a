// Delivering exceptions, software interrupts and callbacks to a PV guest:
// the bounce frame of docs/pv-abi.md §5.3, built on the guest kernel stack.
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/domain/vcpu.hpp"

// Vectors for which the CPU (and so the bounce frame) carries an error code.
constexpr bool vector_has_error_code(unsigned v) {
    return v == 8 || v == 10 || v == 11 || v == 12 || v == 13 || v == 14 || v == 17 || v == 21 ||
           v == 29 || v == 30;
}

// Queues vector for delivery through the guest's trap table on the next
// return to the guest.
void inject_trap(Vcpu* v, unsigned vector);
void inject_trap_error(Vcpu* v, unsigned vector, u32 error_code);
// #PF: also records CR2 in the vCPU and its vcpu_info.
void inject_page_fault(Vcpu* v, u64 cr2, u32 error_code);

// Builds the frame and redirects r to handler. Crashes the domain (and
// returns false) if the frame cannot be written.
bool bounce_to(Vcpu* v, Regs& r, u64 handler, bool mask_events, bool has_error_code,
               u32 error_code);

// Called on every return to the guest: delivers a queued trap, then an
// event upcall if one is pending and unmasked.
void deliver_pending(Vcpu* v, Regs& r);
