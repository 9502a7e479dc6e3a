// `beat=MS`: after the boot checks, print "Glasshouse guest: beat N" every
// MS milliseconds of system time, forever. A domain's visible progress:
// tests pause it from the host and check the beats stop, then resume. The
// next beat is due MS after the previous one was printed, so a pause shows
// as one long gap, not a burst of catch-up beats.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

[[noreturn]] void run_heartbeat(u32 interval_ms);

} // namespace guest
