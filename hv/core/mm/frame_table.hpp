// The frame table: one FrameInfo per machine frame, recording who owns the
// frame and how it is currently used (docs/pv-abi.md §4.1). It is the heart
// of PV memory safety: a frame is a page table or a descriptor page only
// while nothing maps it writable, and the counts below prove it.
//
// The array is supplied by the caller (the hypervisor carves it out of its
// own memory; tests use a vector), so nothing here allocates. The host
// introspection tools read this table live, so FrameInfo's layout is ABI
// for them: keep it 16 bytes and change it only with a version bump.
#pragma once

#include "hv/abi/layout.hpp"
#include "hv/lib/types.hpp"

namespace mm {

enum class FrameType : u8 {
    None = 0,
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L4 = 4,
    SegDesc = 5,
    Shared = 6, // memory sharing; unused, kept so values match Xen's list
    Writable = 7,
};

// FrameInfo::flags bits.
constexpr u8 kFramePinned = 1u << 0;    // holds one general and one type ref
constexpr u8 kFrameValidated = 1u << 1; // contents checked for `type`
// A hypervisor frame the domain in `shared_with` may map. An explicit flag,
// not a sentinel in shared_with: a zeroed FrameInfo must never mean
// "shared with domain 0".
constexpr u8 kFrameSharedWithDomain = 1u << 2;

// Owner values besides real domain ids. Shared-with-a-domain frames
// (shared_info, grant-table frames) are owned by DOMID_XEN and name the
// domain in `shared_with`.
constexpr u16 kOwnerFree = xen::DOMID_INVALID;
constexpr u16 kOwnerHypervisor = xen::DOMID_XEN;
constexpr u16 kOwnerIo = xen::DOMID_IO; // not RAM (MMIO hole)

struct FrameInfo {
    u32 ref_count;   // general references (mappings, pins, uses)
    u32 type_count;  // references to the current `type`
    u16 owner;       // domain id or one of the kOwner* values
    u16 shared_with; // with kFrameSharedWithDomain: the domain allowed to map it
    FrameType type;  // current type; with type_count 0 it is the last type
    u8 flags;        // kFrame*
    // Linear (recursive) page-table bookkeeping, as Xen's linear_pt_count:
    // > 0: this table holds that many linear entries to other tables;
    // < 0: that many linear entries elsewhere point at this table.
    // A table is never both, which bounds what a linear walk can reach.
    i16 linear_count;
};
static_assert(sizeof(FrameInfo) == 16, "FrameInfo is read by host tools; keep it 16 bytes");

class FrameTable {
  public:
    // Marks every frame free. `frames` must hold `nr_frames` entries.
    FrameTable(FrameInfo* frames, u64 nr_frames);

    u64 size() const { return nr_frames_; }
    bool in_table(u64 mfn) const { return mfn < nr_frames_; }
    // RAM the hypervisor manages: inside the table and not an MMIO hole.
    bool is_ram(u64 mfn) const { return in_table(mfn) && frames_[mfn].owner != kOwnerIo; }

    FrameInfo& operator[](u64 mfn) { return frames_[mfn]; }
    const FrameInfo& operator[](u64 mfn) const { return frames_[mfn]; }

    // Ownership changes are only legal for frames nobody references.
    [[nodiscard]] bool assign(u64 first_mfn, u64 count, u16 owner);
    // Lets `domain` map hypervisor frame mfn (shared_info, grant frames).
    [[nodiscard]] bool share_with(u64 mfn, u16 domain);
    // Returns unreferenced frames to the free state.
    [[nodiscard]] bool release(u64 first_mfn, u64 count) {
        return assign(first_mfn, count, kOwnerFree);
    }
    void mark_io(u64 first_mfn, u64 count);

    // The type a frame effectively has: its type while referenced, else None.
    FrameType active_type(u64 mfn) const {
        const FrameInfo& f = frames_[mfn];
        return f.type_count != 0 ? f.type : FrameType::None;
    }

    // A hypervisor frame explicitly shared with `dom`.
    bool shared_with(u64 mfn, u16 dom) const {
        const FrameInfo& f = frames_[mfn];
        return f.owner == kOwnerHypervisor && (f.flags & kFrameSharedWithDomain) &&
               f.shared_with == dom;
    }

  private:
    FrameInfo* frames_;
    u64 nr_frames_;
};

} // namespace mm
