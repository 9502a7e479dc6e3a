/*
 * Application-processor start-up trampoline (SDM Vol. 3A §8.4.4, §9.9).
 * A STARTUP IPI starts the AP in real mode at AP_TRAMPOLINE_BASE, where
 * smp.cpp copied this blob and filled its mailbox (page table, stack, entry).
 * Real mode -> protected mode -> long mode on a bootstrap page table that
 * identity-maps the trampoline and carries the hypervisor's slots, then a
 * jump to the hypervisor's high address.
 */
#include "hv/arch/x86_64/smp_asm.h"

#define T(sym) (AP_TRAMPOLINE_BASE + ((sym) - ap_trampoline_start))

    .section .rodata
    .code16
    .global ap_trampoline_start
ap_trampoline_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl T(tramp_gdt_desc)
    mov %cr0, %eax
    or $1, %eax                    /* PE */
    mov %eax, %cr0
    ljmpl $0x08, $T(ap_protected)

    .code32
ap_protected:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %cr4, %eax
    or $(1 << 5), %eax             /* PAE */
    mov %eax, %cr4
    mov T(tramp_cr3), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax /* EFER.LME | NXE */
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG | WP | PE */
    mov %eax, %cr0
    ljmp $0x18, $T(ap_long)

    .code64
ap_long:
    mov T(tramp_stack), %rsp
    mov T(tramp_entry), %rax
    jmp *%rax

    .p2align 3
tramp_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff       /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff       /* 0x10: data */
    .quad 0x00af9a000000ffff       /* 0x18: 64-bit code */
tramp_gdt_desc:
    .word 31
    .long T(tramp_gdt)
    .p2align 3
    .global ap_mailbox
ap_mailbox:
tramp_cr3:
    .quad 0
tramp_stack:
    .quad 0
tramp_entry:
    .quad 0
    .global ap_trampoline_end
ap_trampoline_end:
    .text
