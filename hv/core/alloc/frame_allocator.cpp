#include "hv/core/alloc/frame_allocator.hpp"

FrameAllocator::FrameAllocator(u64* bitmap, u64 nr_frames)
    : bitmap_(bitmap), nr_frames_(nr_frames) {
    for (u64 i = 0; i < (nr_frames + 63) / 64; i++)
        bitmap_[i] = ~0ull;
}

bool FrameAllocator::is_free(u64 mfn) const {
    return mfn < nr_frames_ && !(bitmap_[mfn / 64] & (1ull << (mfn % 64)));
}

void FrameAllocator::set(u64 mfn, bool used) {
    u64 bit = 1ull << (mfn % 64);
    bool was_used = bitmap_[mfn / 64] & bit;
    if (was_used == used) return;
    if (used) {
        bitmap_[mfn / 64] |= bit;
        free_--;
    } else {
        bitmap_[mfn / 64] &= ~bit;
        free_++;
    }
}

void FrameAllocator::mark_free(u64 first, u64 count) {
    for (u64 m = first; m < first + count && m < nr_frames_; m++)
        set(m, false);
    if (first < search_hint_) search_hint_ = first;
}

void FrameAllocator::mark_used(u64 first, u64 count) {
    for (u64 m = first; m < first + count && m < nr_frames_; m++)
        set(m, true);
}

Result<u64> FrameAllocator::alloc(u64 count, u64 align) {
    if (count == 0 || align == 0 || (align & (align - 1))) return XEN_EINVAL;
    // Two passes: from the hint to the end, then from the start.
    for (int pass = 0; pass < 2; pass++) {
        u64 start = pass == 0 ? search_hint_ : 0;
        u64 m = (start + align - 1) & ~(align - 1);
        while (m + count <= nr_frames_) {
            u64 run = 0;
            while (run < count && is_free(m + run))
                run++;
            if (run == count) {
                mark_used(m, count);
                if (align == 1) search_hint_ = m + count;
                return m;
            }
            m = (m + run + 1 + align - 1) & ~(align - 1);
        }
    }
    return XEN_ENOMEM;
}

Status FrameAllocator::free(u64 first, u64 count) {
    if (first + count > nr_frames_ || first + count < first) return XEN_EINVAL;
    for (u64 m = first; m < first + count; m++)
        if (is_free(m)) return XEN_EINVAL;
    mark_free(first, count);
    return {};
}
