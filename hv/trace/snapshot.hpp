// The initial-state snapshot a recording starts with (traces/FORMAT.md,
// "Initial-state snapshot"): every domain, every frame the state hash
// covers, each active page table's 512 entries and every event channel.
// Written with the hypervisor lock held, so it is exactly the state the
// first record sees.
#pragma once

#include "hv/lib/types.hpp"

namespace trace {

// Writes the snapshot into this CPU's ring, waiting for the host to drain
// when the ring is full (the only place the recorder waits: the lock is
// held, so no state changes meanwhile). Returns the number of records, or
// -1 if the host made no room for `timeout_ns`.
i64 write_snapshot(u64 timeout_ns);

} // namespace trace
