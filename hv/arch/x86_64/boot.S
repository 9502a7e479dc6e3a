/*
 * Multiboot 1 entry. QEMU's -kernel loads Multiboot images but refuses
 * ELF64, so the header carries the "a.out kludge" address fields (flag bit 16)
 * and the image is a flat binary loaded at HV_IMAGE_PHYS_BASE.
 *
 * 32-bit protected mode on entry (Multiboot spec §3.2): build boot page tables
 * (identity map of the low 4 GiB and the image window in slot 261), enable
 * long mode (SDM Vol. 3A §9.8.5), then jump to the high mapping and C++.
 */
#include "hv/arch/x86_64/layout.hpp"
#include "hv/arch/x86_64/percpu_asm.h"

#define PHYS(sym) ((sym) - HV_IMAGE_VIRT_OFFSET)
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* align modules, mem info, addresses */

    .section .text.boot, "ax"
    .code32
    .align 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(multiboot_header)   /* header_addr */
    .long PHYS(__image_start)      /* load_addr */
    .long PHYS(__data_end)         /* load_end_addr */
    .long PHYS(__bss_end)          /* bss_end_addr */
    .long PHYS(boot_entry32)       /* entry_addr */

    .global boot_entry32
boot_entry32:
    cli
    cld
    mov %eax, %edi                 /* Multiboot magic, kept for hv_main */
    mov %ebx, %esi                 /* Multiboot info (physical) */
    mov $PHYS(boot_stack_top), %esp

    /* Identity map 0..4 GiB with 2 MiB pages: four L2 tables. */
    mov $PHYS(boot_l2_ident), %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax                 /* P | RW | PS */
    mov %eax, (%ebx,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax                  /* high dword: (i * 2 MiB) >> 32 */
    mov %eax, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 1b

    /* Image window: slot 261, L3 index 322 -> L2 mapping phys 0..1 GiB. */
    mov $PHYS(boot_l2_image), %ebx
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, (%ebx,%ecx,8)
    movl $0, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 2b

    /* PAE, then CR3, then EFER.LME|NXE, then paging (SDM 3A §9.8.5). */
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov $PHYS(boot_l4), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $((1 << 8) | (1 << 11)), %eax
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG | WP | PE */
    mov %eax, %cr0

    lgdt PHYS(boot_gdt_desc)
    ljmp $0x08, $PHYS(boot_entry64_low)

    .code64
boot_entry64_low:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $boot_entry64_high, %rax
    jmp *%rax

    .text
boot_entry64_high:
    /* The CPU's data (CpuInfo) occupies the top of its stack block. */
    movabs $(boot_stack_top - CPUINFO_SIZE), %rsp
    xor %ebp, %ebp
    /* rdi = magic, rsi = info (zero-extended by the 32-bit moves above). */
    call hv_main
3:  cli
    hlt
    jmp 3b

    .section .rodata.boot, "a"
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff       /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff       /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

    .section .data.boot, "aw"
    .align 4096
    .global boot_l4
boot_l4:
    .quad PHYS(boot_l3_ident) + 0x3
    .fill 260, 8, 0
    .quad PHYS(boot_l3_image) + 0x3   /* slot 261 */
    .fill 250, 8, 0
boot_l3_ident:
    .quad PHYS(boot_l2_ident) + 0x0000 + 0x3
    .quad PHYS(boot_l2_ident) + 0x1000 + 0x3
    .quad PHYS(boot_l2_ident) + 0x2000 + 0x3
    .quad PHYS(boot_l2_ident) + 0x3000 + 0x3
    .fill 508, 8, 0
boot_l3_image:
    .fill 322, 8, 0
    .quad PHYS(boot_l2_image) + 0x3
    .fill 189, 8, 0

    .section .bss.boot, "aw", @nobits
    .align 4096
boot_l2_ident:
    .skip 4 * 4096
boot_l2_image:
    .skip 4096
    /* The boot CPU's stack block; aligned so cpu data sits at its top. */
    .align HV_STACK_SIZE
    .global boot_stack_block
boot_stack_block:
    .skip HV_STACK_SIZE
boot_stack_top:
