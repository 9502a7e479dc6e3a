#include "hv/core/mm/frame_table.hpp"

namespace mm {

namespace {

FrameInfo free_frame() {
    FrameInfo f{};
    f.owner = kOwnerFree;
    f.shared_with = kOwnerFree;
    return f;
}

bool unreferenced(const FrameInfo& f) {
    return f.ref_count == 0 && f.type_count == 0;
}

} // namespace

FrameTable::FrameTable(FrameInfo* frames, u64 nr_frames) : frames_(frames), nr_frames_(nr_frames) {
    for (u64 i = 0; i < nr_frames_; i++)
        frames_[i] = free_frame();
}

bool FrameTable::assign(u64 first_mfn, u64 count, u16 owner) {
    if (first_mfn > nr_frames_ || count > nr_frames_ - first_mfn) return false;
    for (u64 i = first_mfn; i < first_mfn + count; i++)
        if (!unreferenced(frames_[i])) return false;
    for (u64 i = first_mfn; i < first_mfn + count; i++) {
        frames_[i] = free_frame();
        frames_[i].owner = owner;
    }
    return true;
}

bool FrameTable::share_with(u64 mfn, u16 domain) {
    if (!in_table(mfn) || frames_[mfn].owner != kOwnerHypervisor) return false;
    frames_[mfn].shared_with = domain;
    frames_[mfn].flags |= kFrameSharedWithDomain;
    return true;
}

void FrameTable::mark_io(u64 first_mfn, u64 count) {
    for (u64 i = first_mfn; i < first_mfn + count && i < nr_frames_; i++) {
        frames_[i] = free_frame();
        frames_[i].owner = kOwnerIo;
    }
}

} // namespace mm
