// The 64-bit PV kernel/user split (docs/pv-abi.md §4.7): both run in ring 3;
// the hypervisor tracks the mode and switches page tables and GS bases.
#pragma once

#include "hv/domain/vcpu.hpp"

// Loads the hardware state that belongs to v's current mode: CR3 (kernel or
// user L4) and GS base. Used when v starts running on this CPU.
void load_guest_mode_state(Vcpu* v);

// Switches v (running on this CPU) between guest kernel and user mode, like
// Xen's toggle_guest_mode: swaps the GS bases (SWAPGS semantics) and loads
// the other L4. Returns false if user mode has no page table (the caller
// crashes the domain).
[[nodiscard]] bool toggle_guest_mode(Vcpu* v);

// Machine address of the L4 the vCPU runs on now.
u64 current_l4_mfn(const Vcpu* v);
