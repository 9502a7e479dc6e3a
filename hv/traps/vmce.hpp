// The virtual machine-check architecture a PV guest sees (Xen's vMCE):
// CPUID shows MCE/MCA, so kernels read MCG_CAP, MCG_STATUS and the bank
// MSRs while they set up; Linux panics ("MCA architectural violation") when
// those reads fault. The hypervisor never injects a machine check, so every
// bank reads as empty and writes (clearing status, enabling banks) are
// accepted and have nothing to change.
#pragma once

#include "hv/lib/result.hpp"

// Banks offered, as Xen's GUEST_MC_BANK_NUM.
constexpr unsigned kVmceBanks = 2;

// True when `msr` is a vMCE register; `value` is then its contents.
[[nodiscard]] bool vmce_rdmsr(u32 msr, u64& value);
// True when `msr` is a vMCE register (the write is then done).
[[nodiscard]] bool vmce_wrmsr(u32 msr, u64 value);
