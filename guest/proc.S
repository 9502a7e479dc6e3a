/* User mode for guest/proc.cpp (docs/pv-abi.md §4.7, §5.3, §5.4).
 *
 * proc_enter_user(UserFrame*) saves the kernel's callee-saved registers and
 * stack pointer, loads every register from the frame and enters user mode
 * with the iret hypercall (CS RPL 3). It "returns" only when C code on the
 * syscall/trap stack calls proc_return_to_kernel(), longjmp-style: that
 * stack is the one registered with stack_switch, reset on every entry from
 * user mode, so abandoning its frames is fine.
 *
 * UserFrame layout (20 qwords, lowest first): r15 r14 r13 r12 r11 r10 r9 r8
 * rbp rdi rsi rdx rcx rbx rax, then rip cs rflags rsp ss. */

#include "guest/arch/x86_64/save_regs.inc"
#include "guest/arch/x86_64/pv_iret.inc"

    .text
    .code64
    .globl proc_enter_user
    .type proc_enter_user, @function
proc_enter_user:
    save_callee_saved
    mov %rsp, proc_kernel_rsp(%rip)
    /* Pop the registers straight out of the frame; the iret stub's pushes
     * below the flags word land in slots already consumed. */
    mov %rdi, %rsp
    restore_regs
    pv_iret
    .size proc_enter_user, . - proc_enter_user

    .globl proc_return_to_kernel
    .type proc_return_to_kernel, @function
proc_return_to_kernel:
    mov proc_kernel_rsp(%rip), %rsp
    restore_callee_saved
    ret
    .size proc_return_to_kernel, . - proc_return_to_kernel

/* The syscall callback: a bounce frame on the stack_switch stack holding the
 * user's rcx (return rip) and r11 (rflags), then rip cs rflags rsp ss of the
 * user context. No trip through the trap table (the paper's fast path). */
    .globl proc_syscall_entry
    .type proc_syscall_entry, @function
proc_syscall_entry:
    pop %rcx
    pop %r11
    save_regs
    mov %rsp, %rdi              /* 20 qwords from an aligned start: aligned */
    call proc_syscall
    restore_regs
    pv_iret
    .size proc_syscall_entry, . - proc_syscall_entry

/* Exceptions proc.cpp takes over (they carry no error code except #GP, #PF):
 * a guest::TrapFrame, as guest/arch/x86_64/traps.S builds it. */
.macro proc_trap vector, has_error
    .globl proc_trap_\vector
    .type proc_trap_\vector, @function
proc_trap_\vector:
    pop %rcx
    pop %r11
    .if \has_error == 0
    push $0
    .endif
    push $\vector
    jmp proc_trap_common
    .size proc_trap_\vector, . - proc_trap_\vector
.endm

    proc_trap 3, 0
    proc_trap 6, 0
    proc_trap 13, 1
    proc_trap 14, 1

proc_trap_common:
    save_regs
    mov %rsp, %rdi
    call proc_trap
    restore_regs
    add $16, %rsp
    pv_iret

    .bss
    .balign 8
proc_kernel_rsp:
    .quad 0
