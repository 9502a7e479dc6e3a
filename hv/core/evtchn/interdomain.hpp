// Event-channel operations that may touch two domains' port tables: binding
// to another domain's unbound port and closing a port (which, for an
// interdomain port, turns the peer's end back into an unbound one).
// Locking: the caller holds both domains' event locks, lower domid first.
#pragma once

#include "hv/abi/xen.hpp"
#include "hv/core/evtchn/port_table.hpp"
#include "hv/lib/result.hpp"

// EVTCHNOP_bind_interdomain: bind a new port of `local` to port `remote_port`
// of `remote` (`remote` may be `local` itself: loopback to an own unbound
// port). The remote port must be unbound and allow local.domid(), else
// XEN_EINVAL; XEN_ENOSPC when `local` is full. Returns the local port.
//
// The caller must then raise the returned port in the local domain
// (evtchn_set_pending on its notify vCPU, vCPU 0): the peer may have sent on
// its unbound port before the bind, and those sends were dropped, so Xen
// conservatively marks the new port pending.
Result<u32> evtchn_bind_interdomain(EvtchnTable& local, EvtchnTable& remote, u32 remote_port);

// EVTCHNOP_close on `port` of `local`: free the port (clearing its pending bit
// in `local_shared`) and drop its VIRQ binding. For an interdomain port,
// `peer` must be the table of local.interdomain_peer(port) (`local` itself for
// loopback); the peer's end becomes unbound for local.domid(), so the peer may
// be rebound later. XEN_EINVAL for invalid, free or reserved ports, and for
// an interdomain port whose `peer` is missing or does not match.
Status evtchn_close(EvtchnTable& local, xen::SharedInfo& local_shared, u32 port, EvtchnTable* peer);
