// Event delivery by upcall (docs/pv-abi.md §5.4, §5.6), as a PV kernel does
// it: the hypervisor enters evt.S's callback with events masked; we scan
// evtchn_pending_sel, then pending & ~mask per word, clear each bit and run
// the port's handler. Only vCPU 0 is used, like the rest of this kernel.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

using EvtHandler = void (*)(u32 port);

constexpr u32 kEvtMaxPorts = 256;

// Registers the event callback and masks every port (a port with no
// handler must not be swallowed by the scanner). Returns 0 or -errno.
long evt_init();

// Installs `handler` for `port` and unmasks it (EVTCHNOP_unmask re-raises
// it if it became pending while masked).
void evt_bind(u32 port, EvtHandler handler);

// The virtual interrupt flag: vcpu_info.evtchn_upcall_mask. Enabling runs
// the handlers of anything already pending before it returns.
void evt_enable();
void evt_disable();

// Sleeps in SCHEDOP_block until `*flag` is set by a handler. Events are
// enabled on return.
void evt_wait_for(const volatile bool* flag);

// Event channel operations; a port or a negative errno.
long evt_alloc_unbound(u16 remote);
long evt_bind_interdomain(u16 remote, u32 remote_port);
long evt_bind_virq(u32 virq);
void evt_send(u32 port);

// Counted in the callback, for reports.
u64 evt_upcalls();

} // namespace guest
