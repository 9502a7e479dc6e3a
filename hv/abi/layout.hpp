// Address-space and selector constants of the 64-bit PV ABI
// (public/arch-x86/xen-x86_64.h, docs/pv-abi.md §2).
#pragma once

#include "hv/lib/types.hpp"

namespace xen {

// The hypervisor owns L4 slots 256..271 of every PV address space.
constexpr u64 HYPERVISOR_VIRT_START = 0xFFFF800000000000ull;
constexpr u64 HYPERVISOR_VIRT_END = 0xFFFF880000000000ull;
constexpr unsigned kFirstHypervisorL4Slot = 256;
constexpr unsigned kLastHypervisorL4Slot = 271;

// Read-only machine-to-phys table, guest-readable.
constexpr u64 MACH2PHYS_VIRT_START = 0xFFFF800000000000ull;
constexpr u64 MACH2PHYS_VIRT_END = 0xFFFF804000000000ull;

// Flat selectors. Guest kernel and user both run in ring 3.
constexpr u16 FLAT_RING3_CS32 = 0xe023;
constexpr u16 FLAT_RING3_CS64 = 0xe033;
constexpr u16 FLAT_RING3_DS32 = 0xe02b;
constexpr u16 FLAT_RING3_SS64 = 0xe02b;
constexpr u16 FLAT_KERNEL_CS = 0xe033;
constexpr u16 FLAT_KERNEL_SS = 0xe02b;
constexpr u16 FLAT_KERNEL_DS = 0x0000;
constexpr u16 FLAT_USER_CS = 0xe033;
constexpr u16 FLAT_USER_SS = 0xe02b;
constexpr u16 FLAT_USER_CS32 = 0xe023;

// Guest GDT: up to 14 frames of guest descriptors, then the hypervisor's page.
constexpr unsigned FIRST_RESERVED_GDT_PAGE = 14;
constexpr unsigned FIRST_RESERVED_GDT_BYTE = FIRST_RESERVED_GDT_PAGE * 4096;
constexpr unsigned FIRST_RESERVED_GDT_ENTRY = FIRST_RESERVED_GDT_BYTE / 8;

// Domain ids.
constexpr u16 DOMID_SELF = 0x7FF0;
constexpr u16 DOMID_IO = 0x7FF1;
constexpr u16 DOMID_XEN = 0x7FF2;
constexpr u16 DOMID_COW = 0x7FF3;
constexpr u16 DOMID_INVALID = 0x7FF4;
constexpr u16 DOMID_ANY = 0x7FF5;
constexpr u16 DOMID_IDLE = 0x7FFF;
constexpr u16 DOMID_FIRST_RESERVED = 0x7FF0;

// "Address OK for the guest" (Xen's __addr_ok): lower canonical half or
// above the hypervisor's range.
constexpr bool guest_addr_ok(u64 va) {
    return va < (1ull << 47) || va >= HYPERVISOR_VIRT_END;
}

constexpr bool is_canonical(u64 va) {
    return va < (1ull << 47) || va >= 0xFFFF800000000000ull;
}

constexpr bool is_guest_l4_slot(unsigned slot) {
    return slot < kFirstHypervisorL4Slot || slot > kLastHypervisorL4Slot;
}

} // namespace xen
