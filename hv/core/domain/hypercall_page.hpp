// The pv64 hypercall page (pv-abi §1.10): the builder writes it at the
// kernel's HYPERCALL_PAGE VA, and the guest calls hypercall_page + 32*nr.
#pragma once

#include "hv/lib/types.hpp"

constexpr usize kHypercallStubSize = 32;
constexpr unsigned kHypercallStubCount = 128;
static_assert(kHypercallStubSize * kHypercallStubCount == kPageSize);

// Fills the 4096-byte `page`: int3 everywhere, then one SYSCALL stub per
// hypercall number; the iret stub never returns, so it has no pop/ret.
void fill_pv64_hypercall_page(u8* page);
