// The fault= boot options: deliberately fault so the hypervisor's exception
// paths can be tested (crash the domain without a trap table, bounce to our
// handler with one).
#pragma once

#include "guest/cmdline.hpp"
#include "hv/lib/types.hpp"

namespace guest {

// Address fault=pf reads. Nothing is mapped in the lower half: the builder
// maps only our 1:1 region at the top of the address space.
constexpr u64 kUnmappedAddress = 0xdead0000;

// Raises the fault. Returns only if a trap handler recovered from it.
void provoke_fault(Fault fault);

} // namespace guest
