// Where every machine frame is: one pass over the frame table that counts
// each frame once, by owner. It backs the control interface's frame
// accounting check (DOMCTL_glass_frame_census): free + owned by domains +
// hypervisor must equal the total, the free count must match the frame
// allocator's own count, and every live domain must own exactly its
// nr_pages. A frame owned by an id that is no live domain is leaked.
#pragma once

#include "hv/core/mm/frame_table.hpp"

namespace mm {

struct FrameCensus {
    u64 total = 0;      // RAM frames (MMIO holes excluded)
    u64 free = 0;       // owner kOwnerFree
    u64 hypervisor = 0; // owner kOwnerHypervisor, shared frames included
    u64 domains = 0;    // owned by a domain id below nr_ids
    u64 orphaned = 0;   // owned by an id >= nr_ids (never a valid domain)
};

// Counts every frame of t; per_domain[id] (nr_ids entries, zeroed here)
// receives the frames each domain id owns.
FrameCensus take_census(const FrameTable& t, u64* per_domain, usize nr_ids);

} // namespace mm
