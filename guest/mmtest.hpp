// mmtest: the guest builds its own page tables from its own pages, pins
// them, switches to them and back, maps and unmaps through update_va_mapping
// and mmu_update batches, and tries updates the hypervisor must refuse,
// each with Xen's errno (docs/pv-abi.md §4.2-§4.6). One line per check, then
// "Glasshouse mmtest: N checks passed" (or "... K of N checks FAILED").
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

// True if every check passed.
bool run_mmtest(const xen::StartInfo& si);

} // namespace guest
