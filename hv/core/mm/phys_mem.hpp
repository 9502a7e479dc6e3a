// How the memory-typing core reads and writes the contents of machine
// frames. The hypervisor passes its direct map (all RAM mapped linearly);
// the unit tests pass an ordinary array of frames. A plain base pointer
// rather than a virtual interface: the direct map is exactly this, and it
// keeps the validation loops free of indirect calls.
#pragma once

#include "hv/core/mm/pte.hpp"
#include "hv/lib/types.hpp"

namespace mm {

class PhysMem {
  public:
    // `base` maps frame 0; frames [0, nr_frames) are addressable.
    PhysMem(u64* base, u64 nr_frames) : base_(base), nr_frames_(nr_frames) {}

    bool contains(u64 mfn) const { return mfn < nr_frames_; }
    // The frame's 512 64-bit words. Only call for contains(mfn).
    u64* frame(u64 mfn) const { return base_ + mfn * kEntriesPerTable; }

  private:
    u64* base_;
    u64 nr_frames_;
};

} // namespace mm
