/* Exception entry stubs for the vectors kmain registers with set_trap_table
 * (docs/pv-abi.md §3.4.1, §5.3). The hypervisor enters a stub on the
 * interrupted kernel stack with rcx, r11, [error code], rip, cs, rflags,
 * rsp, ss. Each stub restores rcx/r11, makes the error code uniform and
 * pushes its vector; trap_common saves the rest as a guest::TrapFrame. */

#define HYPERCALL_iret 23
#define HYPERCALL_STUB_SIZE 32

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
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    /* The bounce frame starts 16-byte aligned and everything above is 22
     * qwords, so rsp is aligned for the call as the ABI wants. */
    mov %rsp, %rdi
    call guest_trap_dispatch
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp               /* vector, error code */
    /* Return with the iret hypercall (§4.7): its stub pushes rcx, r11 and
     * rax below our flags word. flags 0 (not VGCF_in_syscall) so rcx/r11
     * come back from the frame, and the frame's CS keeps us in kernel mode. */
    push $0
    jmp hypercall_page + HYPERCALL_iret * HYPERCALL_STUB_SIZE
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
