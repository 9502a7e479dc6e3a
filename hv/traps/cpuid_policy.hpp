// The CPUID view a PV guest gets: the host's, with what the hypervisor does
// not virtualise hidden, the hypervisor-present bit and Xen's leaves at
// 0x40000000 added (docs/pv-abi.md §5.9). Served through the forced-emulation
// prefix and, for guest kernels, on emulated CPUID.
#pragma once

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/domain/vcpu.hpp"

arch::CpuidResult guest_cpuid(const Vcpu* v, u32 leaf, u32 subleaf);
