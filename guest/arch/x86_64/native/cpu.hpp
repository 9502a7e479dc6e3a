// The native kernel's descriptor tables and SYSCALL MSRs: what a PV guest
// asks the hypervisor for (set_trap_table, stack_switch, the syscall
// callback) it sets up itself in ring 0.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::native {

// GDT with a TSS, IDT for vectors 0-19 (#BP with DPL 3), EFER.SCE and
// STAR/LSTAR/SFMASK for SYSCALL.
void cpu_init();

// Stack for entries from ring 3: TSS.rsp0 (exceptions) and SYSCALL's.
void set_entry_stack(u64 top);

} // namespace guest::native
