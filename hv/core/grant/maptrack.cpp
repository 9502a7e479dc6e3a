#include "hv/core/grant/maptrack.hpp"

namespace grant {

Maptrack::Maptrack() : entries_{}, free_head_(0) {
    for (u32 i = 0; i < kEntries; i++)
        entries_[i].next_free = i + 1 < kEntries ? i + 1 : kNone;
}

Result<u32> Maptrack::alloc(u32 flags, u32 ref, u16 domid) {
    if (flags == 0) return XEN_EINVAL; // a zero entry reads as free
    if (free_head_ == kNone) return XEN_ENOSPC;
    u32 h = free_head_;
    free_head_ = entries_[h].next_free;
    entries_[h] = MaptrackEntry{};
    entries_[h].flags = flags;
    entries_[h].ref = ref;
    entries_[h].domid = domid;
    entries_[h].next_free = kInUse;
    in_use_++;
    return h;
}

void Maptrack::free(u32 handle) {
    // Freeing a free handle would put it on the list twice and later hand
    // it to two mappings: ignored.
    if (handle >= kEntries || entries_[handle].next_free != kInUse) return;
    // LIFO, as Xen's per-vCPU lists: a freed handle is reused first.
    entries_[handle] = MaptrackEntry{};
    entries_[handle].next_free = free_head_;
    free_head_ = handle;
    in_use_--;
}

MaptrackEntry* Maptrack::lookup(u32 handle) {
    if (handle >= kEntries || entries_[handle].flags == 0) return nullptr;
    return &entries_[handle];
}

} // namespace grant
