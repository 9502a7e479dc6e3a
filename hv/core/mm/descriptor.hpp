// Checks a guest GDT/LDT descriptor before the CPU may load it
// (docs/pv-abi.md §3.4.3). The guest kernel runs in ring 3, so nothing it
// installs may grant ring 0..2: code/data DPLs are raised to 3, and call
// gates are neutralised (DPL 0) so using one faults into the hypervisor,
// which emulates it. Every other system descriptor (TSS, LDT, interrupt
// and trap gates) is refused.
#pragma once

#include "hv/lib/types.hpp"

namespace mm {

constexpr unsigned kDescriptorsPerFrame = 512;

// Returns false if `desc` must be refused; otherwise stores the (possibly
// DPL-adjusted) descriptor in *desc and returns true.
[[nodiscard]] bool check_descriptor(u64* desc);

} // namespace mm
