// The machine-wide memory state: the frame table (owner and type of every
// machine frame), the machine-to-phys table guests read at
// MACH2PHYS_VIRT_START, and the typing core that guards both.
#pragma once

#include "hv/core/mm/frame_table.hpp"
#include "hv/core/mm/page_types.hpp"
#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

// Allocates and maps the frame table and M2P; call after the direct map.
void machine_mm_init();
// Marks the hypervisor's every frame the allocator handed out directly
// since machine_mm_init (the APs' GDT pages and page tables) as its own in
// the frame table, so the frame census adds up. Call once the CPUs are up,
// before any domain exists.
void claim_boot_frames();

mm::FrameTable& frame_table();
mm::PageTypes& page_types();

// M2P entry for mfn (the guest's PFN for it), kept current by the builder,
// MMU_MACHPHYS_UPDATE and the reservation calls.
void m2p_set(u64 mfn, u64 pfn);
u64 m2p_get(u64 mfn);

// The 16 L4 entries of the hypervisor slots 256..271 every guest L4 carries.
const u64* hypervisor_l4_slots();

// Zeroed frames for the hypervisor's own use, owned by it in the frame table.
Result<u64> alloc_hv_frames(u64 count, u64 align = 1);
void free_hv_frames(u64 first, u64 count);

// Hypervisor access to a machine frame's contents.
void* map_frame(u64 mfn);
