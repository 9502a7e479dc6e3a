#include "hv/mm/machine_mm.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/lib/string.hpp"

#include <new>

namespace {
alignas(mm::FrameTable) u8 g_table_storage[sizeof(mm::FrameTable)];
alignas(mm::PageTypes) u8 g_types_storage[sizeof(mm::PageTypes)];
mm::FrameTable* g_table;
mm::PageTypes* g_types;
u64* g_m2p; // hypervisor's writable view (direct map)
u64 g_hv_l4_slots[16];

// Physically contiguous, zeroed, mapped through the direct map.
u64* alloc_zeroed(u64 bytes, const char* what) {
    u64 frames = page_round_up(bytes) >> kPageShift;
    auto first = hv_frames().alloc(frames);
    if (!first.ok()) panic("out of memory for the %s (%lu frames)", what, frames);
    auto* p = arch::phys_to_virt<u64>(*first << kPageShift);
    memset(p, 0, frames << kPageShift);
    return p;
}
} // namespace

mm::FrameTable& frame_table() {
    return *g_table;
}
mm::PageTypes& page_types() {
    return *g_types;
}
const u64* hypervisor_l4_slots() {
    return g_hv_l4_slots;
}
void* map_frame(u64 mfn) {
    return arch::phys_to_virt(mfn << kPageShift);
}

void m2p_set(u64 mfn, u64 pfn) {
    if (mfn < machine_frames()) g_m2p[mfn] = pfn;
}
u64 m2p_get(u64 mfn) {
    return mfn < machine_frames() ? g_m2p[mfn] : ~0ull;
}

void machine_mm_init() {
    u64 n = machine_frames();
    auto* infos =
        reinterpret_cast<mm::FrameInfo*>(alloc_zeroed(n * sizeof(mm::FrameInfo), "frame table"));
    g_table = new (g_table_storage) mm::FrameTable(infos, n);
    auto& frames = hv_frames();

    // M2P: 8 bytes per machine frame; the guest view in slot 256 is
    // read-only and user-accessible (guest kernels run in ring 3).
    g_m2p = alloc_zeroed(n * 8, "M2P");
    memset(g_m2p, 0xFF, n * 8); // INVALID_M2P_ENTRY until a domain owns it
    u64 m2p_pa = arch::virt_to_phys(g_m2p);
    for (u64 off = 0; off < page_round_up(n * 8); off += kPageSize) {
        if (!arch::map_hv_page(xen::MACH2PHYS_VIRT_START + off, m2p_pa + off,
                               arch::PTE_US | arch::PTE_A | arch::PTE_NX, frames)
                 .ok())
            panic("cannot map the M2P");
    }

    // Make sure every hypervisor slot has its L3 now, so the copies in guest
    // L4s (taken when each L4 is validated) see later hypervisor mappings.
    auto* hv_l4 = arch::phys_to_virt<u64>(arch::hv_l4_phys());
    for (unsigned s = 0; s < 16; s++) {
        u64& e = hv_l4[256 + s];
        if (!(e & arch::PTE_P)) {
            u64* l3 = alloc_zeroed(kPageSize, "hypervisor L3");
            e = arch::virt_to_phys(l3) | arch::PTE_P | arch::PTE_RW;
        }
        g_hv_l4_slots[s] = e;
    }
    // Everything allocated so far (image, stacks, these tables) belongs to the
    // hypervisor; later allocations go through alloc_hv_frames.
    claim_boot_frames();
    g_types =
        new (g_types_storage) mm::PageTypes(*g_table, mm::PhysMem(arch::phys_to_virt<u64>(0), n));
    LOG_INFO("frame table: %lu frames (%lu KiB), M2P at %lx", n, (n * sizeof(mm::FrameInfo)) >> 10,
             xen::MACH2PHYS_VIRT_START);
}

void claim_boot_frames() {
    const FrameAllocator& frames = hv_frames();
    for (u64 m = 0; m < g_table->size(); m++)
        if (!frames.is_free(m) && (*g_table)[m].owner == mm::kOwnerFree)
            (*g_table)[m].owner = mm::kOwnerHypervisor;
}

Result<u64> alloc_hv_frames(u64 count, u64 align) {
    auto first = hv_frames().alloc(count, align);
    if (!first.ok()) return first;
    for (u64 m = *first; m < *first + count; m++)
        (*g_table)[m].owner = mm::kOwnerHypervisor;
    memset(map_frame(*first), 0, count << kPageShift);
    return first;
}

void free_hv_frames(u64 first, u64 count) {
    (void)g_table->release(first, count);
    // Freeing what we allocated cannot fail; a failure is a hypervisor bug.
    if (!hv_frames().free(first, count).ok()) panic("double free of frames %lx+%lu", first, count);
}
