// The memory-typing test machine plus a grant table for its guest domain:
// grant, status and active-entry frames come from the hypervisor frames
// 200..228 of the fixture, the shared ones marked mappable by the guest.
#pragma once

#include "hv/abi/layout.hpp"
#include "hv/core/grant/grant_table.hpp"
#include "test_mm_fixture.hpp"

namespace granttest {

using namespace mmtest;

struct GrantWorld : World {
    std::vector<bool> used = std::vector<bool>(kFrames, false);
    unsigned allocs = 0;
    grant::GrantTable gt;

    static Result<u64> alloc(void* ctx, u64 count, u16 share_with) {
        auto* w = static_cast<GrantWorld*>(ctx);
        for (u64 first = kGuestFrames; first + count <= kSharedFrame; first++) {
            bool free = true;
            for (u64 m = first; m < first + count; m++)
                free = free && !w->used[m];
            if (!free) continue;
            for (u64 m = first; m < first + count; m++) {
                w->used[m] = true;
                std::fill_n(w->page(m), kEntriesPerTable, 0);
                if (share_with != xen::DOMID_INVALID) REQUIRE(w->frames.share_with(m, share_with));
            }
            w->allocs++;
            return first;
        }
        return XEN_ENOMEM;
    }
    static void free(void* ctx, u64 first, u64 count) {
        auto* w = static_cast<GrantWorld*>(ctx);
        for (u64 m = first; m < first + count; m++) {
            REQUIRE(w->used[m]);
            w->used[m] = false;
            w->info[m].flags &= static_cast<u8>(~kFrameSharedWithDomain);
        }
    }

    GrantWorld()
        : gt(kDom, frames, PhysMem(ram.data(), kFrames),
             grant::FrameSource{this, &GrantWorld::alloc, &GrantWorld::free}) {}

    xen::GrantEntryV1& v1(u32 ref) {
        return reinterpret_cast<xen::GrantEntryV1*>(page(gt.shared_mfn(ref / 512)))[ref % 512];
    }
    xen::GrantEntryV2& v2(u32 ref) {
        return reinterpret_cast<xen::GrantEntryV2*>(page(gt.shared_mfn(ref / 256)))[ref % 256];
    }
    u16 status(u32 ref) {
        return reinterpret_cast<u16*>(page(gt.status_mfn(ref / 2048)))[ref % 2048];
    }
    unsigned frames_in_use() const {
        unsigned n = 0;
        for (bool u : used)
            n += u;
        return n;
    }
};

} // namespace granttest
