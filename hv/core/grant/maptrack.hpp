// The maptrack of a mapping domain: one entry per grant mapping it holds,
// named to the guest by its index (the handle returned by map_grant_ref and
// passed back to unmap). The entry remembers which parts (host, device) are
// still mapped and which frame, so unmap never trusts the guest for either.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

struct IntrospectLayout; // hv/introspect/layout_table.cpp

namespace grant {

struct MaptrackEntry {
    u32 flags; // GNTMAP_* of the parts still mapped; 0 = free handle
    u32 ref;   // grant reference in the granter's table
    u64 mfn;   // the granted frame, fixed when the grant was first pinned
    u16 domid; // granting domain
    u16 pad;
    u32 next_free; // free-list link, or kInUse while allocated
};
static_assert(sizeof(MaptrackEntry) == 24);

class Maptrack {
  public:
    static constexpr u32 kEntries = 1024;

    Maptrack();

    // A handle for a mapping of grant `ref` of `domid` with GNTMAP_* `flags`
    // (host_map and/or device_map set); XEN_ENOSPC when all are in use.
    [[nodiscard]] Result<u32> alloc(u32 flags, u32 ref, u16 domid);
    void free(u32 handle);
    // The entry of a live handle, or null (out of range or free).
    MaptrackEntry* lookup(u32 handle);
    u32 in_use() const { return in_use_; }

  private:
    friend struct ::IntrospectLayout;      // hv/introspect publishes where entries_ lives
    static constexpr u32 kNone = ~0u;      // end of the free list
    static constexpr u32 kInUse = ~0u - 1; // allocated handle
    MaptrackEntry entries_[kEntries];
    u32 free_head_;
    u32 in_use_ = 0;
};

} // namespace grant
