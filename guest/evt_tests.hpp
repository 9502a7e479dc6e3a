// Boot tests built on upcall delivery (guest/evt.hpp).
//   ping=PEER, pong=PEER  two domUs signal each other over an interdomain
//                         event channel, `rounds` times; ping reports the
//                         round-trip latency and rate; think=US adds a
//                         sleep before each round and times the wake-up
//   tick[=MS]             1 ms periodic timer for MS ms (default 3000):
//                         ticks counted against system time
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

// pong offers an unbound port to PEER and echoes every event back.
bool run_pong(u16 peer, u32 rounds);

// ping finds the port PEER offered it (binding succeeds only on a port
// allocated for us), sends, and times each echo. With think_us, it first
// sleeps that long before each round and also reports how late it woke.
bool run_ping(u16 peer, u32 rounds, u32 think_us);

bool run_tick_test(u32 ms);

} // namespace guest
