#include "hv/arch/x86_64/paging.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/core/alloc/frame_allocator.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"

extern "C" u64 boot_l4[512];

namespace arch {

namespace {
bool g_direct_map_ready = false;

unsigned l4_index(u64 va) {
    return (va >> 39) & 511;
}
unsigned l3_index(u64 va) {
    return (va >> 30) & 511;
}
unsigned l2_index(u64 va) {
    return (va >> 21) & 511;
}
unsigned l1_index(u64 va) {
    return (va >> 12) & 511;
}

u64* table_at(u64 entry) {
    return phys_to_virt<u64>(entry & PTE_ADDR_MASK);
}

// Returns the next-level table of entry, allocating a zeroed one if absent.
u64* next_table(u64& entry, u64 flags, FrameAllocator& frames) {
    if (!(entry & PTE_P)) {
        auto mfn = frames.alloc(1);
        if (!mfn.ok()) return nullptr;
        u64 pa = *mfn << kPageShift;
        memset(phys_to_virt(pa), 0, kPageSize);
        entry = pa | PTE_P | PTE_RW | (flags & PTE_US);
    }
    return table_at(entry);
}
} // namespace

bool direct_map_ready() {
    return g_direct_map_ready;
}

u64 virt_to_phys(const void* va) {
    u64 v = reinterpret_cast<u64>(va);
    // The direct map lies above the image window: test it first.
    if (v >= HV_DIRECTMAP_START && v < HV_DIRECTMAP_END) return v - HV_DIRECTMAP_START;
    if (v >= HV_IMAGE_VIRT_OFFSET && v < HV_DIRECTMAP_START) return v - HV_IMAGE_VIRT_OFFSET;
    panic("virt_to_phys of %p: not an image or direct-map address", va);
}

u64 hv_l4_phys() {
    return virt_to_phys(boot_l4);
}

void build_direct_map(u64 top, FrameAllocator& frames) {
    constexpr u64 k2M = 2ull << 20;
    // Always cover the 4 GiB below, which holds the LAPIC and IO-APIC windows.
    if (top < (4ull << 30)) top = 4ull << 30;
    if (top > HV_DIRECTMAP_END - HV_DIRECTMAP_START) panic("machine memory too large");
    for (u64 pa = 0; pa < top; pa += k2M) {
        u64 va = HV_DIRECTMAP_START + pa;
        u64* l3 = next_table(boot_l4[l4_index(va)], 0, frames);
        if (!l3) panic("out of memory building the direct map");
        u64* l2 = next_table(l3[l3_index(va)], 0, frames);
        if (!l2) panic("out of memory building the direct map");
        u64 attrs = PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D | PTE_G | PTE_NX;
        if (pa >= 0xFEC00000ull && pa < (4ull << 30)) attrs |= PTE_PCD | PTE_PWT;
        l2[l2_index(va)] = pa | attrs;
    }
    g_direct_map_ready = true;
    // Slot 0 belongs to the guests from now on.
    boot_l4[0] = 0;
    flush_tlb_local();
}

Status map_hv_page(u64 va, u64 pa, u64 flags, FrameAllocator& frames) {
    u64* l3 = next_table(boot_l4[l4_index(va)], flags, frames);
    if (!l3) return XEN_ENOMEM;
    u64* l2 = next_table(l3[l3_index(va)], flags, frames);
    if (!l2) return XEN_ENOMEM;
    if (l2[l2_index(va)] & PTE_PS) return XEN_EEXIST;
    u64* l1 = next_table(l2[l2_index(va)], flags, frames);
    if (!l1) return XEN_ENOMEM;
    l1[l1_index(va)] = (pa & PTE_ADDR_MASK) | flags | PTE_P;
    invlpg(va);
    return {};
}

u64* hv_leaf_pte(u64 va) {
    u64 e = boot_l4[l4_index(va)];
    if (!(e & PTE_P)) return nullptr;
    e = table_at(e)[l3_index(va)];
    if (!(e & PTE_P)) return nullptr;
    u64* l2 = table_at(e);
    e = l2[l2_index(va)];
    if (!(e & PTE_P) || (e & PTE_PS)) return nullptr;
    return &table_at(e)[l1_index(va)];
}

} // namespace arch
