// One domain's grant table as the granter sees it (docs/pv-abi.md §3.4.13):
// the version, the shared frames holding its grant_entry_v1/v2 array, the
// v2 status frames, and one active entry per grant recording who has it
// pinned, how (host/device, read-only/writable) and which frame it named
// when first pinned. Changing the entry afterwards does not change the
// frame of existing or later mappings until every pin is gone (Xen's rule).
//
// Frames come from a FrameSource (hypervisor frames, the shared ones marked
// shareable with the domain so it can map them RW); entries are read and
// written through PhysMem, concurrently with the guest, so the flag updates
// use compare-exchange on the entry header.
//
// Concurrency contract: like PageTypes, no locks of its own; the caller
// serialises all calls on one table (per-domain grant lock).
#pragma once

#include "hv/abi/grant_table.hpp"
#include "hv/core/grant/frame_source.hpp"
#include "hv/core/mm/frame_table.hpp"
#include "hv/core/mm/phys_mem.hpp"
#include "hv/lib/result.hpp"

struct IntrospectLayout; // hv/introspect/layout_table.cpp

namespace grant {

constexpr unsigned kMaxFrames = 32; // shared frames per domain (query_size's max)
constexpr unsigned kEntriesPerFrameV1 = kPageSize / sizeof(xen::GrantEntryV1); // 512
constexpr unsigned kEntriesPerFrameV2 = kPageSize / sizeof(xen::GrantEntryV2); // 256
constexpr unsigned kStatusPerFrame = kPageSize / sizeof(u16);                  // 2048
constexpr unsigned status_frames_for(unsigned nr_frames) {
    return (nr_frames * kEntriesPerFrameV2 + kStatusPerFrame - 1) / kStatusPerFrame;
}
constexpr unsigned kMaxStatusFrames = status_frames_for(kMaxFrames);

// How a grant is pinned: four counters, as Xen's GNTPIN fields.
struct ActiveEntry {
    u8 host_ro, host_rw, dev_ro, dev_rw;
    u16 domid; // the domain holding the pins
    u16 pad;
    u64 mfn; // frame fixed at the first pin

    bool pinned() const { return host_ro | host_rw | dev_ro | dev_rw; }
    bool pinned_writable() const { return host_rw | dev_rw; }
};
static_assert(sizeof(ActiveEntry) == 16);
// Active entries are kept for v1 density (512 per shared frame).
constexpr unsigned kActiveFramesPerFrame =
    kEntriesPerFrameV1 * sizeof(ActiveEntry) / kPageSize; // 2

class GrantTable {
  public:
    GrantTable(u16 owner, const mm::FrameTable& frames, mm::PhysMem mem, FrameSource src)
        : owner_(owner), frames_(frames), mem_(mem), src_(src) {}

    u16 owner() const { return owner_; }
    unsigned version() const { return version_; }
    unsigned nr_frames() const { return nr_frames_; }
    unsigned nr_status_frames() const { return nr_status_; }
    unsigned nr_entries() const {
        return nr_frames_ * (version_ == 1 ? kEntriesPerFrameV1 : kEntriesPerFrameV2);
    }
    u64 shared_mfn(unsigned i) const { return shared_[i]; }
    u64 status_mfn(unsigned i) const { return status_[i]; }

    // setup_table: grows to at least `nr` frames (never shrinks), adding
    // status frames in v2. XEN_EINVAL above kMaxFrames, XEN_ENOMEM when the
    // hypervisor is out of frames (what was added so far stays).
    [[nodiscard]] Status grow(unsigned nr);

    // set_version: XEN_EINVAL unless 1 or 2; XEN_EBUSY while any grant
    // beyond the reserved 8 is pinned, or (2 -> 1) while the guest still
    // maps a status frame (xsa-255: freeing it would leave the guest a
    // mapping of a frame the hypervisor reuses); XEN_ERANGE if a reserved
    // v2 entry names a frame v1 cannot hold. The reserved entries are
    // carried over, everything else is cleared.
    [[nodiscard]] Status set_version(unsigned v);

    // Pins grant `ref` for domain `user` with GNTMAP_* `how` (host_map
    // and/or device_map, readonly). The first pin, and the first writable
    // one, check the entry (GTF_permit_access naming `user`, not
    // GTF_readonly for a writable pin) and set GTF_reading / GTF_writing.
    // Writes the granted frame to *mfn.
    xen::Gntst pin(u32 ref, u16 user, u32 how, u64* mfn);
    // Drops pins taken with the same `how`; clears GTF_writing when the last
    // writable pin goes and GTF_reading when the last pin goes.
    void unpin(u32 ref, u32 how);

    const ActiveEntry& active(u32 ref) const { return *active_entry(ref); }
    // Whether `user` has some grant of this table pinned on frame `mfn`.
    bool mapped_by(u16 user, u64 mfn) const;
    // Whether any grant of this table is pinned by anyone.
    bool any_pinned() const;

    // Domain teardown: returns every frame to the source. Pins must be gone.
    void release();

  private:
    friend struct ::IntrospectLayout; // hv/introspect publishes where the frames are listed
    ActiveEntry* active_entry(u32 ref) const;
    u8* shared_bytes(u32 ref, unsigned entry_size) const;
    u16* status_word(u32 ref) const;
    u32* header(u32 ref) const; // {flags, domid} of the entry, either version
    u64 entry_frame(u32 ref) const;
    xen::Gntst set_status(u32 ref, u16 user, bool readonly);
    void clear_status(u32 ref, u16 bits);
    Status add_status_frames(unsigned want);
    void free_status_frames();
    void clear_shared_frames();

    u16 owner_;
    const mm::FrameTable& frames_;
    mm::PhysMem mem_;
    FrameSource src_;
    unsigned version_ = 1;
    unsigned nr_frames_ = 0;
    unsigned nr_status_ = 0;
    u64 shared_[kMaxFrames] = {};
    u64 active_[kMaxFrames] = {}; // first of kActiveFramesPerFrame frames
    u64 status_[kMaxStatusFrames] = {};
};

} // namespace grant
