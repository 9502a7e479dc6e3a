// The scripted scenario (domain 0 option `scenario`, with `blkback` and
// three start= domUs), the system test in one boot:
//   1. all three do block I/O with barriers and verify their data (the
//      second keeps going with blksoak=); the third crashes on purpose
//      afterwards and is reported while the others carry on;
//   2. the second is paused mid-I/O: the backend serves it nothing and it
//      gets no CPU while paused, and its I/O resumes after unpause;
//   3. once the first and second run their balloon drivers, 4 MiB move
//      from the first to the second (memory targets, max_mem), checked with
//      the hypervisor's accounting; the first cannot grow past its new
//      max_mem;
//   4. the drivers are stopped, the domUs exit and are destroyed, and a
//      frame census checks free + domains + hypervisor == total, no frame
//      orphaned, the allocator agrees, and no frame leaked since the start.
// Prints one line per check and `Glasshouse scenario: ok` or `FAILED`.
#pragma once

#include "hv/abi/domctl.hpp"

namespace guest {

// Fills out from DOMCTL_glass_frame_census; false if the call failed.
bool scenario_census(xen::DomctlCensus& out);

// ids/live: the domUs run_scenario started; exc_port: VIRQ_DOM_EXC;
// before: the census taken before any domU existed.
void run_scripted_scenario(const u16* ids, bool* live, unsigned n, u32 exc_port,
                           const xen::DomctlCensus& before);

} // namespace guest
