// Guest debug registers (set_debugreg/get_debugreg and emulated MOV DRn,
// docs/pv-abi.md §3.4.6). DR0-3 and DR7 are loaded into the hardware while
// the vCPU runs; I/O breakpoints are kept virtual.
#pragma once

#include "hv/domain/vcpu.hpp"
#include "hv/lib/result.hpp"

[[nodiscard]] Status set_debugreg(Vcpu* v, unsigned reg, u64 value);
[[nodiscard]] Result<u64> get_debugreg(const Vcpu* v, unsigned reg);
// Loads v's breakpoints into this CPU's debug registers.
void load_debugregs(const Vcpu* v);
