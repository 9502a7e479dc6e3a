// The few PV services both block drivers need: machine frames of our own
// pages, mapping a frame over a page of .bss, grant-table and event-channel
// calls, and waiting on ports with SCHEDOP_poll (our kernel has no event
// upcall handler, so pending bits are cleared by hand).
#pragma once

#include "hv/abi/xen.hpp"

namespace guest::blk {

// Remembers the p2m and where our initial mapping starts; call first.
void pv_init(const xen::StartInfo& si);

// Machine frame of a page of our kernel image (.data/.bss).
u64 mfn_of(const void* va);

// Maps machine frame `mfn` writable at `window` (a page of our .bss).
long map_frame_at(void* window, u64 mfn);

long grant_table_op(unsigned cmd, void* ops, u32 count);

// EVTCHNOP wrappers; negative Xen errno on failure.
long alloc_unbound_for(u16 remote);
long bind_interdomain(u16 remote_dom, u32 remote_port);
void notify(u32 port);
void close_port(u32 port);

// Sleeps until one of `ports` is pending or system time passes deadline_ns
// (0: no deadline). Returns the index of a pending port, clearing its bit,
// or -1 on timeout.
int wait_any(const u32* ports, u32 n, u64 deadline_ns);

// Clears `port`'s pending bit; true if it was set.
bool take_pending(u32 port);

} // namespace guest::blk
