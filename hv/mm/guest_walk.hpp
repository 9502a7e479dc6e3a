// Walking a guest's own page tables (validated, so every frame they name is
// a typed table the guest owns) to find the L1 that maps a virtual address.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

struct L1Slot {
    u64 table_mfn;
    unsigned index;
};

// XEN_EINVAL if an upper level is not present or maps a superpage
// (docs/pv-abi.md §4.6).
[[nodiscard]] Result<L1Slot> find_l1_slot(u64 l4_mfn, u64 va);
