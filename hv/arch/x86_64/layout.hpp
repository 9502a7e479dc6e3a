// The hypervisor's own virtual layout, inside the 16 L4 slots (256..271) the
// PV ABI reserves in every guest address space (docs/pv-abi.md §2.1).
// Shared by C++ and assembly: only #defines of plain numbers here.
#pragma once

// Slot 256: the read-only machine-to-phys table the guests read (ABI).
#define HV_M2P_RO_START 0xFFFF800000000000
// Slot 260: per-CPU GDT windows (16 pages each: 14 guest GDT frames and the
// reserved page holding the hypervisor's and flat ring-3 descriptors).
#define HV_PERCPU_GDT_START 0xFFFF820000000000
#define HV_PERCPU_GDT_STRIDE 0x20000 /* 32 pages per CPU, 16 used */
// Slot 261: the hypervisor image, linked at this offset from physical 0.
#define HV_IMAGE_VIRT_OFFSET 0xFFFF82D080000000
#define HV_IMAGE_PHYS_BASE 0x200000
// Slots 262..271: direct map of all machine memory.
#define HV_DIRECTMAP_START 0xFFFF830000000000
#define HV_DIRECTMAP_END 0xFFFF880000000000

// Per-CPU stack block: 8 pages, naturally aligned so the CPU's data is found
// from any stack pointer inside the block (rsp | (size - 1)). The lower pages
// are the IST stacks for #DF, NMI, #MC and #DB, which must not run on a
// guest-controlled or half-switched stack (xsa-260, xsa-265).
#define HV_STACK_ORDER 3
#define HV_STACK_SIZE (4096 << HV_STACK_ORDER)
#define HV_IST_DF 1
#define HV_IST_NMI 2
#define HV_IST_MC 3
#define HV_IST_DB 4

// Hypervisor selectors in the reserved GDT page (ABI: 0xe008 and 0xe010).
#define HV_CS 0xe008
#define HV_DS 0xe010
#define HV_TSS_SEL 0xe040
#define HV_LDT_SEL 0xe050

// isa-debug-exit: QEMU exits with status (value << 1) | 1.
#define HV_QEMU_EXIT_PORT 0xf4
