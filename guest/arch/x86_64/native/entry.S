/* Native ring transitions for guest/proc.cpp (guest/proc_arch.hpp) and the
 * IDT stubs. The frames are the PV kernel's: UserFrame (15 GPRs, then rip
 * cs rflags rsp ss, lowest first) and guest::TrapFrame (15 GPRs, vector,
 * error, then the interrupt frame), so proc.cpp reads both kernels alike.
 * Interrupts stay disabled throughout (IDT gates are interrupt gates,
 * SFMASK clears IF on SYSCALL, user rflags has IF clear). */
#include "guest/arch/x86_64/native/layout.h"
#include "guest/arch/x86_64/save_regs.inc"

    .text
    .code64

/* proc_enter_user(UserFrame*): the frame's tail is an IRETQ frame, so load
 * the registers from it and IRETQ to ring 3 (SDM 3A §6.14.3). Returns only
 * through proc_return_to_kernel. */
    .globl proc_enter_user
    .type proc_enter_user, @function
proc_enter_user:
    save_callee_saved
    mov %rsp, native_kernel_rsp(%rip)
    mov %rdi, %rsp
    restore_regs
    iretq
    .size proc_enter_user, . - proc_enter_user

/* Called on the entry stack (reset on every entry from ring 3, so its
 * frames may be abandoned): back to proc_enter_user's caller. */
    .globl proc_return_to_kernel
    .type proc_return_to_kernel, @function
proc_return_to_kernel:
    mov native_kernel_rsp(%rip), %rsp
    restore_callee_saved
    ret
    .size proc_return_to_kernel, . - proc_return_to_kernel

/* MSR_LSTAR target (SDM 2B SYSCALL): rcx = user rip, r11 = user rflags, rsp
 * still the user's. One CPU, no SWAPGS: the stack switch goes through two
 * globals. Builds a UserFrame and returns with SYSRETQ. SYSCALL does not
 * record the caller's CS, so the frame's CS and SS are the user selectors by
 * construction; what proves ring 3 is the CPU's own #PF error code (U bit)
 * in the procs test and the user stack pointer proc.cpp checks. */
    .globl native_syscall_entry
    .type native_syscall_entry, @function
native_syscall_entry:
    mov %rsp, native_syscall_user_rsp(%rip)
    mov native_entry_stack_top(%rip), %rsp
    push $NATIVE_USER_DS
    push native_syscall_user_rsp(%rip)
    push %r11
    push $NATIVE_USER_CS
    push %rcx
    save_regs
    mov %rsp, %rdi              /* 20 qwords below an aligned top: aligned */
    call proc_syscall
    restore_regs
    mov 0(%rsp), %rcx           /* rip */
    mov 16(%rsp), %r11          /* rflags */
    mov 24(%rsp), %rsp          /* user rsp */
    sysretq
    .size native_syscall_entry, . - native_syscall_entry

/* IDT stubs, vectors 0-19: the CPU pushed ss rsp rflags cs rip (and an
 * error code for some) on a 16-byte aligned stack (SDM 3A §6.14.2). #BP,
 * #UD, #GP and #PF go to proc.cpp's handler, which tells user from kernel
 * mode; the rest to guest_trap_dispatch (traps.cpp). */
.macro trap_stub vector, has_error, common
    .type native_trap_\vector, @function
native_trap_\vector:
    .if \has_error == 0
    push $0
    .endif
    push $\vector
    jmp \common
    .size native_trap_\vector, . - native_trap_\vector
.endm

    trap_stub 0, 0, trap_kernel
    trap_stub 1, 0, trap_kernel
    trap_stub 2, 0, trap_kernel
    trap_stub 3, 0, trap_proc
    trap_stub 4, 0, trap_kernel
    trap_stub 5, 0, trap_kernel
    trap_stub 6, 0, trap_proc
    trap_stub 7, 0, trap_kernel
    trap_stub 8, 1, trap_kernel
    trap_stub 9, 0, trap_kernel
    trap_stub 10, 1, trap_kernel
    trap_stub 11, 1, trap_kernel
    trap_stub 12, 1, trap_kernel
    trap_stub 13, 1, trap_proc
    trap_stub 14, 1, trap_proc
    trap_stub 15, 0, trap_kernel
    trap_stub 16, 0, trap_kernel
    trap_stub 17, 1, trap_kernel
    trap_stub 18, 0, trap_kernel
    trap_stub 19, 0, trap_kernel

.macro trap_common name, handler
\name:
    save_regs
    mov %rsp, %rdi              /* 22 qwords from an aligned start: aligned */
    call \handler
    restore_regs
    add $16, %rsp               /* vector, error code */
    iretq
.endm

    trap_common trap_proc, proc_trap
    trap_common trap_kernel, guest_trap_dispatch

    .section .rodata, "a", @progbits
    .balign 8
    .globl native_trap_entries
    .type native_trap_entries, @object
native_trap_entries:
    .irp vector, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19
    .quad native_trap_\vector
    .endr
    .size native_trap_entries, . - native_trap_entries

    .bss
    .balign 8
native_kernel_rsp:
    .quad 0
native_syscall_user_rsp:
    .quad 0
    .globl native_entry_stack_top
native_entry_stack_top:         /* set by proc_arch_init */
    .quad 0
