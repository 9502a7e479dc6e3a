// Frames leaving a domain (ballooning, docs/pv-abi.md §3.4.8). The rule
// that keeps this safe is Xen's: a frame is freed only when its last
// reference goes. A frame still mapped, pinned by something else or used
// as a table stays allocated (marked kFrameRemoved, refusing new
// references) until then, so no page table or TLB can ever name a frame
// that another domain has been given.
#include "hv/core/mm/page_types.hpp"

namespace mm {

Result<bool> PageTypes::remove_page(u64 mfn, u16 dom) {
    if (!frames_.is_ram(mfn) || !mem_.contains(mfn)) return XEN_EINVAL;
    FrameInfo& f = frames_[mfn];
    if (f.owner != dom || (f.flags & kFrameRemoved)) return XEN_ENXIO;
    if (f.flags & kFramePinned) {
        // The pin's references go; what the table's entries hold goes with
        // its last type reference (devalidation).
        f.flags &= static_cast<u8>(~kFramePinned);
        put_page_and_type(mfn);
    }
    f.flags |= kFrameRemoved;
    if (f.ref_count != 0 || f.type_count != 0) return false;
    release_removed(mfn);
    return true;
}

void PageTypes::release_removed(u64 mfn) {
    FrameInfo& f = frames_[mfn];
    // Type references are only held under general ones, so none remain.
    if (f.type_count != 0) return;
    u16 owner = f.owner;
    // The mapping just dropped may still be cached writable in a TLB; the
    // frame may go to another domain only after the flush this requests.
    flush_needed_ = true;
    // Cannot fail: the frame is unreferenced.
    (void)frames_.release(mfn, 1);
    if (release_hook_) release_hook_(release_ctx_, mfn, owner);
}

Status PageTypes::steal_page(u64 mfn, u16 dom) {
    if (!frames_.is_ram(mfn) || !mem_.contains(mfn)) return XEN_EINVAL;
    FrameInfo& f = frames_[mfn];
    if (f.owner != dom || (f.flags & (kFrameRemoved | kFramePinned))) return XEN_EINVAL;
    if (f.ref_count != 0 || f.type_count != 0) return XEN_EINVAL;
    // A writable frame may still sit in a TLB from a mapping just removed.
    if (f.type != FrameType::None) flush_needed_ = true;
    (void)frames_.release(mfn, 1); // cannot fail: unreferenced
    return {};
}

} // namespace mm
