// The hypervisor's own page tables: building the direct map and mapping
// pages into the hypervisor slots that every guest L4 shares.
#pragma once

#include "hv/arch/x86_64/layout.hpp"
#include "hv/core/mm/pte.hpp"
#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

class FrameAllocator;

namespace arch {

// Hardware PTE bits: the same as the guest page-table rules use.
using mm::PTE_A;
using mm::PTE_D;
using mm::PTE_G;
using mm::PTE_NX;
using mm::PTE_P;
using mm::PTE_PCD;
using mm::PTE_PS;
using mm::PTE_PWT;
using mm::PTE_RW;
using mm::PTE_US;
constexpr u64 PTE_ADDR_MASK = mm::kPteAddrMask;

// Before the direct map exists (early boot), physical memory below 4 GiB is
// reached through the boot identity map; afterwards through the direct map.
bool direct_map_ready();

template <class T = void>
T* phys_to_virt(u64 pa) {
    u64 base = direct_map_ready() ? HV_DIRECTMAP_START : 0;
    return reinterpret_cast<T*>(base + pa);
}
u64 virt_to_phys(const void* va); // image or direct-map addresses only

// The hypervisor's L4 (also the template for the hypervisor slots of every
// guest L4), physical address.
u64 hv_l4_phys();

// Maps [0, top) into the direct map (2 MiB pages; the 0xFEC00000..4 GiB
// window uncached for the IO-APIC/LAPIC) and drops the boot identity map.
void build_direct_map(u64 top, FrameAllocator& frames);

// Maps one 4 KiB page in the hypervisor slots. Intermediate tables come from
// frames; they are shared by every address space because guest L4s copy the
// hypervisor's L4 slots. flags: PTE_* bits for the leaf.
Status map_hv_page(u64 va, u64 pa, u64 flags, FrameAllocator& frames);
// Returns a pointer to the leaf PTE for va in the hypervisor slots, or null.
u64* hv_leaf_pte(u64 va);

} // namespace arch
