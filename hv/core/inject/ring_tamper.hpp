// Corrupting and reordering responses on a shared I/O ring (Xen's
// io/ring.h shape, RingTarget in spec.hpp), as the frontend is about to be
// notified of them. Portable: it works on the ring page's bytes, so the
// host tests drive it with a buffer.
//
// The other side may be writing the page concurrently: indices are read
// once, every slot index is masked, and nothing is trusted to be in range.
#pragma once

#include "hv/core/inject/spec.hpp"

namespace inject {

// Overwrites the configured field of the newest response (rsp_prod - 1)
// with r.value. False (nothing changed) when no response is published
// beyond what the frontend asked to be woken for (rsp_event - 1).
bool corrupt_newest_response(u8* page, const RingTarget& r, u32& index);
// Swaps the two newest responses when both are unconsumed by that measure.
bool swap_newest_responses(u8* page, const RingTarget& r, u32& first_index);

} // namespace inject
