// Frames and versions of a grant table: growing it (setup_table) and
// switching between v1 and v2 (set_version). Entry checks and pinning live
// in grant_pin.cpp.
#include "hv/core/grant/grant_table.hpp"

#include "hv/abi/layout.hpp"

namespace grant {

using namespace xen;

ActiveEntry* GrantTable::active_entry(u32 ref) const {
    auto* first = reinterpret_cast<ActiveEntry*>(mem_.frame(active_[ref / kEntriesPerFrameV1]));
    return first + ref % kEntriesPerFrameV1;
}

u8* GrantTable::shared_bytes(u32 ref, unsigned entry_size) const {
    u64 off = u64{ref} * entry_size;
    return reinterpret_cast<u8*>(mem_.frame(shared_[off / kPageSize])) + off % kPageSize;
}

u16* GrantTable::status_word(u32 ref) const {
    return reinterpret_cast<u16*>(mem_.frame(status_[ref / kStatusPerFrame])) +
           ref % kStatusPerFrame;
}

Status GrantTable::grow(unsigned nr) {
    if (nr > kMaxFrames) return XEN_EINVAL;
    while (nr_frames_ < nr) {
        auto shared = src_.alloc(src_.ctx, 1, owner_);
        if (!shared) return shared.error();
        auto active = src_.alloc(src_.ctx, kActiveFramesPerFrame, DOMID_INVALID);
        if (!active) {
            src_.free(src_.ctx, *shared, 1);
            return active.error();
        }
        shared_[nr_frames_] = *shared;
        active_[nr_frames_] = *active;
        nr_frames_++;
    }
    if (version_ == 2) return add_status_frames(status_frames_for(nr_frames_));
    return {};
}

Status GrantTable::add_status_frames(unsigned want) {
    while (nr_status_ < want) {
        auto f = src_.alloc(src_.ctx, 1, owner_);
        if (!f) return f.error();
        status_[nr_status_++] = *f;
    }
    return {};
}

void GrantTable::free_status_frames() {
    while (nr_status_ > 0)
        src_.free(src_.ctx, status_[--nr_status_], 1);
}

void GrantTable::clear_shared_frames() {
    for (unsigned i = 0; i < nr_frames_; i++)
        for (unsigned w = 0; w < mm::kEntriesPerTable; w++)
            mm::pte_write(mem_.frame(shared_[i]) + w, 0);
}

Status GrantTable::set_version(unsigned v) {
    if (v != 1 && v != 2) return XEN_EINVAL;
    if (v == version_) return {};
    // The reserved grants (console, xenstore rings) may stay mapped across
    // a switch, as in Xen; any other pin would be stranded by the change of
    // entry layout.
    for (u32 ref = GNTTAB_NR_RESERVED_ENTRIES; ref < nr_entries(); ref++)
        if (active_entry(ref)->pinned()) return XEN_EBUSY;

    unsigned nr_reserved = nr_frames_ ? GNTTAB_NR_RESERVED_ENTRIES : 0;
    GrantEntryV1 reserved[GNTTAB_NR_RESERVED_ENTRIES] = {};
    if (version_ == 2) {
        for (u32 ref = 0; ref < nr_reserved; ref++) {
            auto* e = reinterpret_cast<GrantEntryV2*>(shared_bytes(ref, sizeof(GrantEntryV2)));
            u16 type = e->flags & GTF_type_mask;
            if (type == GTF_transitive || (type == GTF_permit_access && (e->frame >> 32)))
                return XEN_ERANGE;
        }
        // xsa-255: a status frame the guest still maps cannot be freed. Any
        // reference on it is a guest mapping: the grant code takes none.
        for (unsigned i = 0; i < nr_status_; i++)
            if (frames_[status_[i]].ref_count != 0 || frames_[status_[i]].type_count != 0)
                return XEN_EBUSY;
        for (u32 ref = 0; ref < nr_reserved; ref++) {
            auto* e = reinterpret_cast<GrantEntryV2*>(shared_bytes(ref, sizeof(GrantEntryV2)));
            if ((e->flags & GTF_type_mask) != GTF_permit_access) continue;
            reserved[ref].flags = static_cast<u16>(e->flags | *status_word(ref));
            reserved[ref].domid = e->domid;
            reserved[ref].frame = static_cast<u32>(e->frame);
        }
        free_status_frames();
    } else {
        TRY(add_status_frames(status_frames_for(nr_frames_)));
        for (u32 ref = 0; ref < nr_reserved; ref++)
            reserved[ref] =
                *reinterpret_cast<GrantEntryV1*>(shared_bytes(ref, sizeof(GrantEntryV1)));
    }

    // No crud of the old layout may be read as an entry of the new one.
    clear_shared_frames();
    version_ = v;
    for (u32 ref = 0; ref < nr_reserved; ref++) {
        if (v == 1) {
            *reinterpret_cast<GrantEntryV1*>(shared_bytes(ref, sizeof(GrantEntryV1))) =
                reserved[ref];
            continue;
        }
        auto* e = reinterpret_cast<GrantEntryV2*>(shared_bytes(ref, sizeof(GrantEntryV2)));
        e->flags = reserved[ref].flags & static_cast<u16>(~(GTF_reading | GTF_writing));
        e->domid = reserved[ref].domid;
        e->frame = reserved[ref].frame;
        *status_word(ref) = reserved[ref].flags & (GTF_reading | GTF_writing);
    }
    return {};
}

bool GrantTable::mapped_by(u16 user, u64 mfn) const {
    for (u32 ref = 0; ref < nr_entries(); ref++) {
        const ActiveEntry& a = *active_entry(ref);
        if (a.pinned() && a.domid == user && a.mfn == mfn) return true;
    }
    return false;
}

bool GrantTable::any_pinned() const {
    // Every active entry, not just the current version's range: pins of a
    // reserved grant survive a switch.
    for (u32 ref = 0; ref < nr_frames_ * kEntriesPerFrameV1; ref++)
        if (active_entry(ref)->pinned()) return true;
    return false;
}

void GrantTable::release() {
    free_status_frames();
    while (nr_frames_ > 0) {
        nr_frames_--;
        src_.free(src_.ctx, shared_[nr_frames_], 1);
        src_.free(src_.ctx, active_[nr_frames_], kActiveFramesPerFrame);
    }
    version_ = 1;
}

} // namespace grant
