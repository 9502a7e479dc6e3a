/* Exception entry stubs for the vectors kmain registers with set_trap_table
 * (docs/pv-abi.md §3.4.1, §5.3). The hypervisor enters a stub on the
 * interrupted kernel stack with rcx, r11, [error code], rip, cs, rflags,
 * rsp, ss. Each stub restores rcx/r11, makes the error code uniform and
 * pushes its vector; trap_common saves the rest as a guest::TrapFrame. */

#include "guest/arch/x86_64/save_regs.inc"
#include "guest/arch/x86_64/pv_iret.inc"

.macro trap_stub vector, has_error
    .type guest_trap_\vector, @function
guest_trap_\vector:
    pop %rcx
    pop %r11
    .if \has_error == 0
    push $0
    .endif
    push $\vector
    jmp trap_common
    .size guest_trap_\vector, . - guest_trap_\vector
.endm

    .text
    .code64
    trap_stub 0, 0   /* #DE */
    trap_stub 1, 0   /* #DB */
    trap_stub 2, 0   /* NMI */
    trap_stub 3, 0   /* #BP */
    trap_stub 4, 0   /* #OF */
    trap_stub 5, 0   /* #BR */
    trap_stub 6, 0   /* #UD */
    trap_stub 7, 0   /* #NM */
    trap_stub 8, 1   /* #DF */
    trap_stub 9, 0   /* coprocessor segment overrun (reserved) */
    trap_stub 10, 1  /* #TS */
    trap_stub 11, 1  /* #NP */
    trap_stub 12, 1  /* #SS */
    trap_stub 13, 1  /* #GP */
    trap_stub 14, 1  /* #PF */
    trap_stub 15, 0  /* reserved */
    trap_stub 16, 0  /* #MF */
    trap_stub 17, 1  /* #AC */
    trap_stub 18, 0  /* #MC */
    trap_stub 19, 0  /* #XM */

    .type trap_common, @function
trap_common:
    save_regs
    /* The bounce frame starts 16-byte aligned and everything above is 22
     * qwords, so rsp is aligned for the call as the ABI wants. */
    mov %rsp, %rdi
    call guest_trap_dispatch
    restore_regs
    add $16, %rsp               /* vector, error code */
    pv_iret                     /* the frame's CS keeps us in kernel mode */
    .size trap_common, . - trap_common

    .section .rodata, "a", @progbits
    .balign 8
    .globl guest_trap_entries
    .type guest_trap_entries, @object
guest_trap_entries:
    .irp vector, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19
    .quad guest_trap_\vector
    .endr
    .size guest_trap_entries, . - guest_trap_entries
