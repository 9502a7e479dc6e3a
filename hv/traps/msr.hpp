// RDMSR/WRMSR as a PV guest kernel sees them (docs/pv-abi.md §5.8). Values
// are virtual where the guest must not reach the real MSR; anything not
// listed is refused, and the caller raises #GP(0) in the guest.
#pragma once

#include "hv/domain/vcpu.hpp"
#include "hv/lib/result.hpp"

[[nodiscard]] Result<u64> guest_rdmsr(Vcpu* v, u32 msr);
[[nodiscard]] Status guest_wrmsr(Vcpu* v, u32 msr, u64 value);
