// Physical frame allocator: one bit per machine frame (1 = in use) over a
// caller-supplied bitmap, first-fit for contiguous runs with alignment.
// Boot-time and domain-construction use only; not on any hot path.
// Concurrency: the caller serialises (the hypervisor holds its heap lock).
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

class FrameAllocator {
  public:
    // bitmap must hold at least (nr_frames + 63) / 64 words. Every frame starts
    // out used; the boot code frees the RAM ranges of the memory map.
    FrameAllocator(u64* bitmap, u64 nr_frames);

    u64 nr_frames() const { return nr_frames_; }
    u64 free_frames() const { return free_; }

    void mark_free(u64 first, u64 count);
    void mark_used(u64 first, u64 count);
    bool is_free(u64 mfn) const;

    // count contiguous frames whose first frame is a multiple of align
    // (align a power of two, in frames). XEN_ENOMEM when no run fits.
    Result<u64> alloc(u64 count, u64 align = 1);
    // Frees a run previously allocated. Freeing a free frame is a caller bug
    // and is refused with XEN_EINVAL, leaving the bitmap unchanged.
    Status free(u64 first, u64 count);

  private:
    void set(u64 mfn, bool used);

    u64* bitmap_;
    u64 nr_frames_;
    u64 free_ = 0;
    u64 search_hint_ = 0;
};
