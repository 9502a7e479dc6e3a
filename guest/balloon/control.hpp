// Domain 0's side of ballooning: sets a domU's memory target through its
// balloon mailbox (guest/balloon/protocol.hpp) and waits for the answer.
// The hypervisor's accounting is the judge: callers compare getdomaininfo
// before and after; the domU's own report is only printed.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::balloon {

// Maps the domU's store page (frame store_mfn, which domain 0 learned when
// it built the domain). Call once per domU, before balloon_ready.
long balloon_attach(u16 domid, u64 store_mfn);
// True once the domU's driver has announced itself; binds its port then.
bool balloon_ready(u16 domid);
// Asks for `pages` and waits up to timeout_ns; returns the reservation the
// domU reports, or a negative errno (-ETIMEDOUT, -ENOENT: not attached/ready).
long balloon_set_target(u16 domid, u64 pages, u64 timeout_ns);
// Ends the domU's driver (it then shuts down) and forgets the domU.
void balloon_stop(u16 domid);
void balloon_detach(u16 domid);

} // namespace guest::balloon
