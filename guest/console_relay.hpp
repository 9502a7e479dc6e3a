// Domain 0 shows its domUs' consoles on its own (toolstack option
// `consoles`), as xenconsoled does: for each domU it builds, it maps the
// console ring (a foreign mapping of start_info.console.domU.mfn, which the
// build returned) and binds the console event channel before unpausing
// it; whenever the toolstack wakes, complete lines are printed as
// "[dN] text". A ring whose indices a domU corrupted is reset with a
// message, never trusted. Detach drains the ring first, so a domU's last
// words come before the toolstack reports its exit.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

long console_relay_attach(u16 domid, u64 console_mfn, u32 console_port);
// Prints what every attached ring holds; notifies each domU it drained.
void console_relay_pump();
// Drains, prints a partial last line, unbinds and unmaps.
void console_relay_detach(u16 domid);
// Our ends of the console channels (for SCHEDOP_poll sets); returns count.
u32 console_relay_ports(u32* out, u32 max);

} // namespace guest
