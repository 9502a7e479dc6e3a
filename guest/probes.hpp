// Workloads for the host-side debugging and introspection tests (issues 7
// and 8), one option each; each runs forever once started:
//   dbgloop     calls dbgloop_tick() in a loop, which stores the count in
//               dbgloop_counter (a function to break on and a variable to
//               watch for gdb); prints the count twice a second
//   selfreport  prints what the guest knows about itself (L4 root, pinned
//               frames, bound event ports), then pins and unpins a frame
//               of its own in turn, printing each change, every 1.5 s
//   ptchurn     changes its page tables as fast as it can (map/unmap an L1
//               entry, pin/unpin an L1); prints updates per second
//   ptchurn=US  the same, resting US microseconds (no hypercalls) after
//               every 2,048 updates: quiet windows a whole-system snapshot
//               fits in, which unbroken churn never leaves (one hypervisor
//               lock acquisition every few microseconds)
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

struct ProbeOptions {
    bool dbgloop = false;
    bool selfreport = false;
    bool ptchurn = false;
    u32 ptchurn_gap_us = 0;
    bool any() const { return dbgloop || selfreport || ptchurn; }
};

// One command-line word; false if it is not one of ours.
bool parse_probe_option(const char* text, usize len, ProbeOptions& out);

// Runs the probe the options name (selfreport, then ptchurn or dbgloop);
// returns only if none is set.
void run_probes(const xen::StartInfo& si, const ProbeOptions& options);

} // namespace guest
