/*
 * Multiboot 1 entry of the native kernel, the way hv/arch/x86_64/boot.S does
 * it: QEMU's -kernel refuses ELF64 Multiboot images, so the header carries
 * the "a.out kludge" address fields (flag bit 16) and the image is a flat
 * binary (guest-native.bin) loaded at NATIVE_PHYS_BASE.
 *
 * 32-bit protected mode on entry (Multiboot spec §3.2): map physical 0..1 GiB
 * twice, at 0 (for the jump) and at KERNEL_MAP (where we are linked), enable
 * long mode (SDM Vol. 3A §9.8.5) and call native_main in the high mapping.
 *
 * Every entry has the U bit: user programs are functions in this image
 * (guest/proc.cpp), as in the PV guest, where every page is user-accessible.
 * Processes get their own L4s later (paging.cpp); this one stays the
 * kernel's.
 */
#include "guest/arch/x86_64/native/layout.h"

#define PHYS(sym) ((sym) - KERNEL_MAP)
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 1) | (1 << 16)) /* memory info, header addresses */
#define PTE_TABLE 0x7                   /* P | RW | U */
#define PTE_2M 0x87                     /* P | RW | U | PS */

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
    .long PHYS(native_entry32)     /* entry_addr */

    .global native_entry32
native_entry32:
    cli
    cld
    mov %eax, %edi                 /* Multiboot magic, for native_main */
    mov %ebx, %esi                 /* Multiboot info (physical) */

    /* One L2 of 2 MiB pages for physical 0..1 GiB, used by both halves. */
    mov $PHYS(native_boot_l2), %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $PTE_2M, %eax
    mov %eax, (%ebx,%ecx,8)
    movl $0, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $512, %ecx
    jne 1b

    /* PAE, CR3, EFER.LME, then paging and protection (SDM 3A §9.8.5). */
    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov $PHYS(native_boot_l4), %eax
    mov %eax, %cr3
    mov $0xC0000080, %ecx
    rdmsr
    or $(1 << 8), %eax
    wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG | WP | PE */
    mov %eax, %cr0

    lgdt PHYS(native_boot_gdt_desc)
    ljmp $NATIVE_KERNEL_CS, $PHYS(native_entry64_low)

    .code64
native_entry64_low:
    mov $NATIVE_KERNEL_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    movabs $native_entry64_high, %rax
    jmp *%rax

    .text
native_entry64_high:
    movabs $native_boot_stack_top, %rsp
    xor %ebp, %ebp
    /* rdi = magic, rsi = info (zero-extended by the 32-bit moves above). */
    call native_main
2:  cli
    hlt
    jmp 2b

    .section .rodata.boot, "a"
    .align 16
native_boot_gdt:                   /* replaced by cpu.cpp's GDT */
    .quad 0
    .quad 0x00af9a000000ffff       /* NATIVE_KERNEL_CS: 64-bit code */
    .quad 0x00cf92000000ffff       /* NATIVE_KERNEL_DS */
native_boot_gdt_end:
native_boot_gdt_desc:
    .word native_boot_gdt_end - native_boot_gdt - 1
    .long PHYS(native_boot_gdt)

    .section .data.boot, "aw"
    .align 4096
    .global native_boot_l4
native_boot_l4:
    .quad PHYS(native_boot_l3_low) + PTE_TABLE
    .fill 510, 8, 0
    .quad PHYS(native_boot_l3_high) + PTE_TABLE /* slot 511: KERNEL_MAP */
native_boot_l3_low:
    .quad PHYS(native_boot_l2) + PTE_TABLE
    .fill 511, 8, 0
native_boot_l3_high:
    .fill 510, 8, 0
    .quad PHYS(native_boot_l2) + PTE_TABLE     /* 0xffffffff80000000 */
    .quad 0

    .section .bss.boot, "aw", @nobits
    .align 4096
native_boot_l2:
    .skip 4096
    .align 16
    .skip 64 * 1024
native_boot_stack_top:
