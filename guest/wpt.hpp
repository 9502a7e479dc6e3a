// Option `wpt`: writable page tables (VMASST_TYPE_writable_pagetables).
// Enables the assist, then edits one of our own L1 entries with plain
// stores (a MOV, then an XCHG back) while the L1 is mapped read-only, and
// checks through the mapped window that each store took effect.
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

// True if every step behaved; prints one line per step.
bool run_wpt_test(const xen::StartInfo& si);

} // namespace guest
