// Learning our own domain id. The PV ABI has no direct "who am I" call, so
// we do what XTF does: allocate an unbound event channel whose remote end is
// DOMID_SELF and ask for its status, which names the remote domain by its
// real id (docs/pv-abi.md §3.4.20).
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

// Our domid (>= 0), or a negative Xen errno if event channels failed.
long discover_domid();

} // namespace guest
