// Bits of an x86-64 page-table entry as the PV paging rules see them
// (docs/pv-abi.md §4.2). The same layout serves L1..L4; bit 7 is PAT in an
// L1 entry and PS (superpage) in L2/L3.
#pragma once

#include "hv/lib/types.hpp"

namespace mm {

constexpr u64 PTE_P = 1ull << 0;
constexpr u64 PTE_RW = 1ull << 1;
constexpr u64 PTE_US = 1ull << 2;
constexpr u64 PTE_PWT = 1ull << 3;
constexpr u64 PTE_PCD = 1ull << 4;
constexpr u64 PTE_A = 1ull << 5;
constexpr u64 PTE_D = 1ull << 6;
constexpr u64 PTE_PAT = 1ull << 7; // L1 only
constexpr u64 PTE_PS = 1ull << 7;  // L2/L3: superpage, never allowed for PV
constexpr u64 PTE_G = 1ull << 8;
constexpr u64 PTE_AVL = 7ull << 9;
// Software bit Xen sets on L1 entries the guest wrote with US=0: the guest
// kernel and user both run in ring 3, so every page is US in hardware and
// this bit remembers "kernel page" for the guest to read back.
constexpr u64 PTE_GUEST_KERNEL = 1ull << 52;
// Software bit 62: Xen tags grant mappings with it in debug builds.
constexpr u64 PTE_GRANT_MARKER = 1ull << 62;
constexpr u64 PTE_NX = 1ull << 63;

// Frame address field, bits 12..51.
constexpr u64 kPteAddrMask = 0x000FFFFFFFFFF000ull;
// The all-ones frame field: Xen's INVALID_MFN as written by guests.
constexpr u64 kInvalidMfnField = kPteAddrMask >> kPageShift;

// Bits 52..62: software-available in every level.
constexpr u64 kPteSoftwareHigh = 0x7FF0000000000000ull;

// Changes confined to these bits (same frame) skip revalidation (§4.2).
// RW is deliberately absent: turning a read-only linear entry writable must
// go through full validation, which refuses it (xsa-182).
constexpr u64 kFastPathBits = PTE_NX | kPteSoftwareHigh | PTE_AVL | PTE_G | PTE_D | PTE_A | PTE_US;

// Cache-attribute bits of an L1 entry; need cache_flush_permitted.
constexpr u64 kL1CacheBits = PTE_PWT | PTE_PCD | PTE_PAT;
// Always refused in present L2/L3/L4 entries: no superpages, no global
// directories, no uncached page tables.
constexpr u64 kUpperDisallowed = PTE_PWT | PTE_PCD | PTE_PS | PTE_G;

constexpr unsigned kEntriesPerTable = 512;

constexpr bool pte_present(u64 e) {
    return (e & PTE_P) != 0;
}
constexpr u64 pte_mfn(u64 e) {
    return (e & kPteAddrMask) >> kPageShift;
}
constexpr u64 pte_flags(u64 e) {
    return e & ~kPteAddrMask;
}
constexpr u64 make_pte(u64 mfn, u64 flags) {
    return ((mfn << kPageShift) & kPteAddrMask) | flags;
}

// True when old -> new only changes bits outside `ignored` and the frame.
constexpr bool pte_changed(u64 old_e, u64 new_e, u64 ignored) {
    return ((old_e ^ new_e) & ~ignored) != 0;
}

// Entry access. Atomic so a CPU walking the table (or the guest reading it)
// never sees a torn entry.
inline u64 pte_read(const u64* p) {
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}
inline void pte_write(u64* p, u64 v) {
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

// Replaces *p with v and returns the value replaced. With preserve_ad the
// A/D bits of the replaced value are kept: a compare-exchange loop, so bits
// the hardware sets between our read and our write are not lost.
inline u64 pte_replace(u64* p, u64 v, bool preserve_ad) {
    if (!preserve_ad) return __atomic_exchange_n(p, v, __ATOMIC_ACQ_REL);
    u64 old = pte_read(p);
    while (!__atomic_compare_exchange_n(p, &old, v | (old & (PTE_A | PTE_D)), false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
    }
    return old;
}

} // namespace mm
