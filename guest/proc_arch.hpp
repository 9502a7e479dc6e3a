// What guest/proc.cpp needs from the kernel it is linked into: the PV guest
// (guest/arch/x86_64/proc_pv.cpp, proc.S) or the native kernel
// (guest/arch/x86_64/native/proc_native.cpp, entry.S). The processes, their
// system calls, the checks and the benchmark loops stay in proc.cpp.
//
// Both provide the user-mode entry and exit in assembly, on the UserFrame
// layout of proc.cpp (15 GPRs, then rip cs rflags rsp ss):
//   proc_enter_user(UserFrame*)   saves the kernel's callee-saved registers,
//                                 loads the frame, enters user mode
//   proc_return_to_kernel()       longjmp back to proc_enter_user's caller
// and call proc_syscall(UserFrame*) on SYSCALL from user mode and
// proc_trap(TrapFrame*) on #BP, #UD, #GP and #PF.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

constexpr unsigned kMaxProcs = 4;

// Sets up user mode; kernel_stack_top is the stack for entries from user
// mode. 0 or a negative errno.
long proc_arch_init(u64 kernel_stack_top);

// What proc_arch_init set up, for the check line run_proc_test prints.
const char* proc_arch_setup_name();

// Selectors of user code and stack, as a system call's frame shows them.
// Constants rather than calls: the syscall path compares against them on
// every call, and the benchmark counts instructions.
extern const u64 kProcUserCs;
extern const u64 kProcUserSs;

// Called before the process in slot (0..kMaxProcs-1) is entered. PV: all
// processes share the kernel's L4, nothing to do; native: each slot has its
// own address space and this loads its CR3.
void proc_arch_switch_to(unsigned slot);

// Address of the #PF being handled (PV: vcpu_info's cr2; native: CR2).
u64 proc_arch_fault_address();

} // namespace guest
