#include "hv/core/mm/frame_census.hpp"

namespace mm {

FrameCensus take_census(const FrameTable& t, u64* per_domain, usize nr_ids) {
    for (usize i = 0; i < nr_ids; i++)
        per_domain[i] = 0;
    FrameCensus c;
    for (u64 mfn = 0; mfn < t.size(); mfn++) {
        u16 owner = t[mfn].owner;
        if (owner == kOwnerIo) continue;
        c.total++;
        if (owner == kOwnerFree)
            c.free++;
        else if (owner == kOwnerHypervisor)
            c.hypervisor++;
        else if (owner < nr_ids)
            c.domains++, per_domain[owner]++;
        else
            c.orphaned++;
    }
    return c;
}

} // namespace mm
