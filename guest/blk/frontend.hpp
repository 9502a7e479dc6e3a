// The block frontend in a domU: connects to domain 0's backend
// (guest/blk/connect.hpp) and runs a workload on the disk.
//   blk=N        write N 4 KiB blocks with patterns, check barrier ordering
//                and flushes, read everything back and verify it, and check
//                that malformed requests are refused
//   blksoak=R    after blk=N: R more rounds of writing every block with a new
//                pattern and reading it back verified (a long-running load)
//   blkbench=N   N-request benchmark: round-trip latency (one request at a
//                time), then requests per second and MB/s with the ring kept
//                full, for reads and for writes
#pragma once

#include "hv/abi/xen.hpp"

namespace guest::blk {

struct FrontendOptions {
    u32 blocks = 0;      // blk=N
    u32 bench_reqs = 0;  // blkbench=N
    u32 soak_rounds = 0; // blksoak=R
};

// True if every check passed.
bool run_blk_frontend(const xen::StartInfo& si, const FrontendOptions& options);

} // namespace guest::blk
