// Writable page tables (VMASST_TYPE_writable_pagetables, docs/pv-abi.md
// §3.4.14): a guest kernel store to one of its own read-only mapped L1
// entries faults; the hypervisor decodes the store, validates the new
// entry as mmu_update would (PageTypes::mod_l1_entry) and completes the
// instruction. Xen's pv/ro-page-fault.c "ptwr" path, emulate-only.
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/domain/vcpu.hpp"

// Called for a #PF from guest kernel mode. True if the fault was a valid
// PTE store, now applied (rip advanced): the fault is not forwarded.
// False leaves everything untouched, for the caller to forward the #PF.
bool wpt_emulate(Vcpu* v, Regs& r, u64 cr2);
