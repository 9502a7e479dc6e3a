// The block backend in domain 0: one RAM disk, split into a partition per
// connected frontend, served through guest/blk/backend_core.hpp. Domain 0
// has no threads or upcalls, so the toolstack drives it: it reports every
// domU it builds and removes, and waits through blkback_wait, which serves
// the rings while it sleeps. Connection protocol: guest/blk/connect.hpp.
#pragma once

#include "hv/abi/xen.hpp"

namespace guest::blk {

// Before the toolstack starts any domU (the backend needs our p2m).
void blkback_init(const xen::StartInfo& si);

// A domU was built (still paused): bind its store channel so its
// announcement is not lost.
void blkback_domain_built(u16 domid, u32 store_port);

// The domU has exited: unmap its grants and close its channels, before the
// toolstack destroys it (mapped grants would keep its frames alive).
void blkback_domain_gone(u16 domid);

// Sleeps until `port` (the toolstack's own) is pending, serving block
// requests meanwhile; clears it.
void blkback_wait(u32 port);
// The same with a deadline in system time (0: none), also returning, with
// false, when one of the `nalso` ports in `also` (at most 8) is pending,
// which it clears; false too when the deadline passed first.
bool blkback_wait_until(u32 port, u64 deadline_ns, const u32* also, u32 nalso);
// Requests served for the domU so far (0 if not connected): its progress.
u64 blkback_requests(u16 domid);

} // namespace guest::blk
