// mmbench: guest rdtsc cycles per page-table operation (issue 4's
// benchmark; not a timed test): update_va_mapping, mmu_update entries in
// batches of 1, 8, 64 and 512, and pin/unpin of an L1.
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

void run_mmbench(const xen::StartInfo& si);

} // namespace guest
