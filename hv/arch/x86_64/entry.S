/*
 * Hypervisor entry and exit paths (SDM Vol. 3A §6.14 64-bit interrupt
 * handling, Vol. 2B SYSCALL/SYSRET).
 *
 * Every entry builds a struct Regs (regs.hpp). Entries from a guest build it
 * at CpuInfo::guest_regs (TSS.RSP0 points at its end); the C++ handler runs
 * to completion and leaves through exit_to_guest, which resets the stack and
 * restores whichever vCPU the scheduler picked. Entries that interrupt the
 * hypervisor itself return through a plain iretq.
 */
#include "hv/arch/x86_64/layout.hpp"
#include "hv/arch/x86_64/regs_asm.h"
#include "hv/arch/x86_64/percpu_asm.h"

    .text

.macro PUSH_GPRS
    push %rdi
    push %rsi
    push %rdx
    push %rcx
    push %rax
    push %r8
    push %r9
    push %r10
    push %r11
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro POP_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rax
    pop %rcx
    pop %rdx
    pop %rsi
    pop %rdi
.endm

/* One stub per IDT vector: make the frame uniform (error code slot), record
 * the vector, join the common path. */
.macro VECTOR_STUB vec
    .p2align 4
vector_stub_\vec:
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    push $0
    .endif
    movl $\vec, 4(%rsp)
    jmp trap_common
.endm

.macro STUB_ADDRESS vec
    .quad vector_stub_\vec
.endm

    /* .altmacro makes %vec expand to the counter's value. */
    .altmacro
    .p2align 4
    .global vector_stubs_start
vector_stubs_start:
    .set vec, 0
    .rept 256
    VECTOR_STUB %vec
    .set vec, vec + 1
    .endr

    .section .rodata
    .p2align 3
    .global vector_stub_table
vector_stub_table:
    .set vec, 0
    .rept 256
    STUB_ADDRESS %vec
    .set vec, vec + 1
    .endr
    .text
    .noaltmacro

trap_common:
    PUSH_GPRS
    cld
    mov %rsp, %rdi
    testb $3, REGS_OFF_CS(%rsp)
    jz 1f
    call hv_guest_trap
    /* Non-zero: handled without the hypervisor lock (TLB shootdown);
     * resume the same guest directly. rsp is &guest_regs (never an IST
     * vector). */
    test %eax, %eax
    jz exit_to_guest
    POP_GPRS
    add $8, %rsp
    jmp iret_to_guest
1:  /* Trap taken in the hypervisor: handle on this stack and resume. */
    call hv_hypervisor_trap
    POP_GPRS
    add $8, %rsp
    iretq

/*
 * SYSCALL from a guest (hypercall from guest kernel mode, system call from
 * guest user mode). SYSCALL does not switch stacks: the guest's rsp is still
 * live, so borrow %gs for two moves to find the hypervisor stack. An NMI or
 * #DB in this window runs on its IST stack and does not use %gs.
 */
.macro SYSCALL_ENTRY name, cs, vector
    .p2align 4
    .global \name
\name:
    swapgs
    mov %rsp, %gs:CPUINFO_OFF_SCRATCH
    mov %gs:CPUINFO_OFF_REGS_END, %rsp
    push $0xe02b                 /* ss */
    pushq %gs:CPUINFO_OFF_SCRATCH /* rsp */
    swapgs
    push %r11                    /* rflags, saved by SYSCALL */
    push $\cs                    /* cs */
    push %rcx                    /* rip, saved by SYSCALL */
    push $0
    movl $\vector, 4(%rsp)
    PUSH_GPRS
    cld
    mov %rsp, %rdi
    call hv_syscall
    jmp exit_to_guest
.endm

    SYSCALL_ENTRY syscall_entry64, 0xe033, ENTRY_SYSCALL
    SYSCALL_ENTRY syscall_entry32, 0xe023, ENTRY_SYSCALL32

/*
 * [[noreturn]] void exit_to_guest(): leave the hypervisor. Resets the stack
 * to just below CpuInfo::guest_regs, lets C++ pick and prepare the vCPU to run
 * (this may idle with interrupts on), then restores guest_regs.
 */
    .global exit_to_guest
exit_to_guest:
    cli
    mov %rsp, %rax
    or $(HV_STACK_SIZE - 1), %rax
    lea 1-CPUINFO_SIZE+CPUINFO_OFF_REGS(%rax), %rsp /* &CpuInfo::guest_regs */
    call prepare_guest_return
    /* rsp == &guest_regs again (the call returned). */
    POP_GPRS
    add $8, %rsp
    .global iret_to_guest
iret_to_guest:
    iretq
