// Port I/O, MSRs and the control registers the native kernel touches: the
// hypervisor's own one-line wrappers (hv/arch/x86_64/cpu.hpp, SDM Vol. 2),
// which ring 0 here may use as the hypervisor does.
#pragma once

#include "hv/arch/x86_64/cpu.hpp"

namespace guest::native {

using arch::inb;
using arch::outb;
using arch::outl;
using arch::rdmsr;
using arch::read_cr2;
using arch::read_cr3;
using arch::write_cr3;
using arch::wrmsr;

} // namespace guest::native
