// Walking a guest's own page tables (validated, so every frame they name is
// a typed table the guest owns) to find the L1 that maps a virtual address.
// The walk itself is portable (hv/core/hypercall/mmu_ops); this is it over
// the machine's frame table and direct map.
#pragma once

#include "hv/core/hypercall/mmu_ops.hpp"
#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

using L1Slot = hcore::L1Slot;

// XEN_EINVAL if an upper level is not present or maps a superpage
// (docs/pv-abi.md §4.6).
[[nodiscard]] Result<L1Slot> find_l1_slot(u64 l4_mfn, u64 va);
