// A small machine for the memory-typing tests: 256 frames of fake RAM, a
// frame table over it and one guest domain. Frames 0..199 belong to the
// guest, 200..229 to the hypervisor (229 shared with the guest, like
// shared_info), 240..255 are an MMIO hole.
#pragma once

#include "hv/core/mm/page_types.hpp"
#include "hv/core/mm/pte.hpp"

#include <catch2/catch.hpp>
#include <vector>

namespace mmtest {

using namespace mm;

constexpr u16 kDom = 1;
constexpr u16 kOtherDom = 2;
constexpr u64 kFrames = 256;
constexpr u64 kGuestFrames = 200;
constexpr u64 kOtherDomFrame = 190; // reassigned to kOtherDom
constexpr u64 kHypervisorFrame = 200;
constexpr u64 kSharedFrame = 229;
constexpr u64 kMmioFrame = 240;

// Readable flag sets.
constexpr u64 kRO = PTE_P;
constexpr u64 kRW = PTE_P | PTE_RW;

struct World {
    std::vector<FrameInfo> info;
    std::vector<u64> ram;
    FrameTable frames;
    PageTypes pt;
    DomainMm dom;
    u64 hv_l4[kHypervisorL4Slots];

    World()
        : info(kFrames), ram(kFrames * kEntriesPerTable), frames(info.data(), kFrames),
          pt(frames, PhysMem(ram.data(), kFrames)) {
        REQUIRE(frames.assign(0, kGuestFrames, kDom));
        REQUIRE(frames.assign(kOtherDomFrame, 1, kOtherDom));
        REQUIRE(frames.assign(kGuestFrames, 30, kOwnerHypervisor));
        REQUIRE(frames.share_with(kSharedFrame, kDom));
        frames.mark_io(kMmioFrame, kFrames - kMmioFrame);
        for (unsigned i = 0; i < kHypervisorL4Slots; i++)
            hv_l4[i] = make_pte(kHypervisorFrame + 1 + i, PTE_P | PTE_A);
        dom.id = kDom;
        dom.hypervisor_l4 = hv_l4;
    }

    u64* page(u64 mfn) { return ram.data() + mfn * kEntriesPerTable; }
    const FrameInfo& fi(u64 mfn) const { return info[mfn]; }

    // No frame holds a reference, a pin or linear bookkeeping any more.
    void require_all_released() const {
        for (u64 mfn = 0; mfn < kFrames; mfn++) {
            INFO("mfn " << mfn);
            REQUIRE(info[mfn].ref_count == 0);
            REQUIRE(info[mfn].type_count == 0);
            REQUIRE(info[mfn].linear_count == 0);
            REQUIRE((info[mfn].flags & kFramePinned) == 0);
        }
    }
};

} // namespace mmtest
