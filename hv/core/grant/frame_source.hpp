// Where a grant table gets its frames. The portable grant core never
// allocates: the hypervisor hands it frames from its own heap, the unit
// tests from a fake machine. A pair of function pointers rather than a
// virtual interface keeps the freestanding build free of vtables.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

namespace grant {

struct FrameSource {
    void* ctx = nullptr;
    // `count` zeroed, machine-contiguous hypervisor frames. With
    // `share_with` != DOMID_INVALID that domain may map them (grant and
    // status frames); otherwise they are private (active entries).
    Result<u64> (*alloc)(void* ctx, u64 count, u16 share_with) = nullptr;
    void (*free)(void* ctx, u64 first, u64 count) = nullptr;
};

} // namespace grant
