// Reference and type counting, pinning and base pointers. The content
// checks live in validate.cpp, entry updates in mod_entry.cpp.
#include "hv/core/mm/page_types.hpp"

#include <limits>

namespace mm {

namespace {
constexpr u32 kMaxCount = std::numeric_limits<u32>::max();

void notify_type(u64 mfn, FrameType old_type, FrameType new_type, u32 count) {
    if (TypeChangeHook hook = g_type_change_hook) hook(mfn, old_type, new_type, count);
}
} // namespace

TypeChangeHook g_type_change_hook = nullptr;

Status PageTypes::get_page(u64 mfn, u16 dom) {
    if (!frames_.is_ram(mfn)) return XEN_EINVAL;
    FrameInfo& f = frames_[mfn];
    if (f.owner != dom && !frames_.shared_with(mfn, dom)) return XEN_EINVAL;
    // A frame the domain gave back is not resurrected by a new mapping.
    if (f.flags & kFrameRemoved) return XEN_EINVAL;
    if (f.ref_count == kMaxCount) return XEN_EINVAL;
    f.ref_count++;
    return {};
}

void PageTypes::put_page(u64 mfn) {
    FrameInfo& f = frames_[mfn];
    // An unbalanced put is a hypervisor bug; refusing to wrap keeps the
    // damage to one leaked frame instead of a frame freed while in use.
    if (f.ref_count != 0) f.ref_count--;
    if (f.ref_count == 0 && (f.flags & kFrameRemoved)) release_removed(mfn);
}

Status PageTypes::get_page_type(u64 mfn, FrameType type, const DomainMm& d) {
    FrameInfo& f = frames_[mfn];
    if (f.type_count != 0) {
        if (f.type != type) return XEN_EINVAL;
        // Only a cycle back into a table still being validated lands here.
        if (!(f.flags & kFrameValidated)) return XEN_EINVAL;
        if (f.type_count == kMaxCount) return XEN_EINVAL;
        f.type_count++;
        return {};
    }
    if (is_validated_type(type) && !owned_ram(mfn, d.id)) return XEN_EINVAL;
    if (type == FrameType::Shared) return XEN_EINVAL; // memory sharing is not supported
    // A frame that was writable (or a table) may still have translations in
    // some TLB; it must not become a table until those are gone.
    if (f.type != type && f.type != FrameType::None) flush_needed_ = true;
    f.type = type;
    f.flags &= static_cast<u8>(~kFrameValidated);
    f.type_count = 1;
    if (is_validated_type(type)) {
        Status s = validate_frame(mfn, type, d);
        if (!s) {
            f.type_count = 0;
            f.type = FrameType::None;
            return s;
        }
    }
    f.flags |= kFrameValidated;
    notify_type(mfn, FrameType::None, type, 1);
    return {};
}

void PageTypes::put_page_type(u64 mfn) {
    FrameInfo& f = frames_[mfn];
    if (f.type_count == 0) return; // unbalanced put: see put_page
    if (--f.type_count != 0) return;
    notify_type(mfn, f.type, FrameType::None, 0);
    bool was_valid = (f.flags & kFrameValidated) != 0;
    // Cleared first so nothing reached during the release can use it.
    f.flags &= static_cast<u8>(~kFrameValidated);
    if (was_valid && is_validated_type(f.type)) {
        devalidate_frame(mfn, f.type);
        flush_needed_ = true;
    }
}

Status PageTypes::get_page_and_type(u64 mfn, FrameType type, const DomainMm& d) {
    TRY(get_page(mfn, d.id));
    Status s = get_page_type(mfn, type, d);
    if (!s) put_page(mfn);
    return s;
}

void PageTypes::put_page_and_type(u64 mfn) {
    put_page_type(mfn);
    put_page(mfn);
}

Status PageTypes::pin(u64 mfn, FrameType level, const DomainMm& d) {
    if (!is_page_table_type(level) || !owned_ram(mfn, d.id)) return XEN_EINVAL;
    if (!get_page_and_type(mfn, level, d)) return XEN_EINVAL;
    FrameInfo& f = frames_[mfn];
    if (f.flags & kFramePinned) {
        put_page_and_type(mfn);
        return XEN_EINVAL;
    }
    f.flags |= kFramePinned;
    return {};
}

Status PageTypes::unpin(u64 mfn, const DomainMm& d) {
    if (!owned_ram(mfn, d.id)) return XEN_EINVAL;
    FrameInfo& f = frames_[mfn];
    if (!(f.flags & kFramePinned)) return XEN_EINVAL;
    f.flags &= static_cast<u8>(~kFramePinned);
    put_page_and_type(mfn);
    return {};
}

void PageTypes::unpin_all(const DomainMm& d) {
    for (u64 mfn = 0; mfn < frames_.size(); mfn++) {
        const FrameInfo& f = frames_[mfn];
        if (f.owner == d.id && (f.flags & kFramePinned)) {
            // Cannot fail: the frame is owned by d and pinned.
            (void)unpin(mfn, d);
        }
    }
}

Status PageTypes::get_base_pointer(u64 mfn, const DomainMm& d) {
    if (!owned_ram(mfn, d.id)) return XEN_EINVAL;
    if (!get_page_and_type(mfn, FrameType::L4, d)) return XEN_EINVAL;
    return {};
}

Status PageTypes::get_seg_desc_frame(u64 mfn, const DomainMm& d) {
    if (!owned_ram(mfn, d.id)) return XEN_EINVAL;
    if (!get_page_and_type(mfn, FrameType::SegDesc, d)) return XEN_EINVAL;
    return {};
}

} // namespace mm
