/*
 * Copies between hypervisor memory and guest virtual addresses through the
 * guest's own (currently loaded) page tables. A fault on the guest side
 * (unmapped, read-only under CR0.WP, non-canonical) is caught through the
 * exception table (.extable: pairs of faulting RIP and resume RIP) and
 * reported as the number of bytes NOT copied, never as a hypervisor fault.
 *
 * usize raw_copy(void* dst, const void* src, usize n)  -> bytes left
 *
 * Words first, then the tail bytes: QEMU's TCG runs a REP MOVS one
 * iteration at a time (see hv/lib/string.cpp). A fault in the word loop
 * leaves RCX words and the whole tail uncopied.
 */
    .text
    .global raw_copy
raw_copy:
    mov %rdx, %rcx
    shr $3, %rcx
    and $7, %edx
1:  rep movsq
    mov %rdx, %rcx
7:  rep movsb
2:  mov %rcx, %rax
    ret
8:  lea (%rdx, %rcx, 8), %rax
    ret

    .section .extable, "a"
    .quad 1b, 8b
    .quad 7b, 2b
    .text

/* u64 raw_read_u8(const void* src, u8* out) -> 0 ok, 1 fault */
    .global raw_read_u8
raw_read_u8:
    xor %eax, %eax
3:  movb (%rdi), %cl
    movb %cl, (%rsi)
    ret
4:  mov $1, %eax
    ret
    .section .extable, "a"
    .quad 3b, 4b
    .text

/* void load_selector_ds/es/fs/gs(u16 sel): load, or load null if it faults. */
.macro LOAD_SEL seg
    .global load_selector_\seg
load_selector_\seg:
5:  mov %di, %\seg
    ret
6:  xor %eax, %eax
    mov %ax, %\seg
    ret
    .section .extable, "a"
    .quad 5b, 6b
    .text
.endm
    LOAD_SEL ds
    LOAD_SEL es
    LOAD_SEL fs
    LOAD_SEL gs
