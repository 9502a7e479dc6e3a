/* Native kernel layout, shared by boot.S, entry.S and the C++ side. The
 * image is linked where the PV guest is (so -mcmodel=kernel works) but
 * loaded physically at NATIVE_PHYS_BASE: virtual = physical + KERNEL_MAP. */
#pragma once

#define KERNEL_MAP 0xffffffff80000000
#define NATIVE_PHYS_BASE 0x100000

/* GDT selectors (cpu.cpp). SYSRET takes user CS and SS from STAR[63:48]
 * (+16 and +8, SDM Vol. 2B SYSRET), hence user data just below user code. */
#define NATIVE_KERNEL_CS 0x08
#define NATIVE_KERNEL_DS 0x10
#define NATIVE_USER_CS32 0x18
#define NATIVE_USER_DS 0x23
#define NATIVE_USER_CS 0x2b
#define NATIVE_TSS 0x30
