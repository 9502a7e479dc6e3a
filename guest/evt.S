/* The event callback (CALLBACKTYPE_event, docs/pv-abi.md §5.3, §5.4). The
 * hypervisor enters it with evtchn_upcall_mask = 1 on the interrupted stack
 * with rcx, r11, rip, cs, rflags, rsp, ss. We save every register (the
 * interrupted code may be anywhere), scan in C, and return through the iret
 * hypercall, whose rflags.IF (= !mask before delivery) re-enables events. */

#define HYPERCALL_iret 23
#define HYPERCALL_STUB_SIZE 32

    .text
    .code64
    .globl guest_event_entry
    .type guest_event_entry, @function
guest_event_entry:
    pop %rcx
    pop %r11
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
    /* 5 frame qwords + 15 registers from a 16-byte aligned start: aligned. */
    call guest_event_dispatch
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
    push $0                     /* flags: not VGCF_in_syscall */
    jmp hypercall_page + HYPERCALL_iret * HYPERCALL_STUB_SIZE
    .size guest_event_entry, . - guest_event_entry
