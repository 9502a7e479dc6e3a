// CPU-virtualization tests and benchmarks (issue 5), one option each:
//   procs            user processes and system calls (guest/proc.hpp)
//   tick[=MS]        1 ms periodic timer accuracy (guest/evt_tests.hpp)
//   ping=PEER        domU: time `rounds` event round trips to domain PEER
//   pong=PEER        domU: echo PEER's events `rounds` times
//   rounds=N         for ping/pong (default 1000)
//   think=US         ping: sleep US us (SCHEDOP_poll timeout) before each
//                    round and report how late it woke: the wake-up
//                    latency an interactive domain sees next to a CPU hog
//   bench            rdtsc cycles: null hypercall, user system call round
//                    trip, exception bounce round trip
//   yieldbench=N     N SCHEDOP_yield calls: cycles per yield and how much of
//                    the time another domain ran (a context switch each)
#pragma once

#include "guest/bench_report.hpp" // rdtsc_cycles, cycles_to_ns
#include "hv/lib/types.hpp"

namespace guest {

constexpr u32 kNoPeer = ~0u;

struct CpuTestOptions {
    bool procs = false;
    bool bench = false;
    u32 tick_ms = 0;
    u32 ping_peer = kNoPeer;
    u32 pong_peer = kNoPeer;
    u32 rounds = 1000;
    u32 think_us = 0;
    u32 yield_count = 0;
};

// One command-line word; false if it is not one of ours.
bool parse_cpu_option(const char* text, usize len, CpuTestOptions& out);

// Runs the tests the options name, in the order above; false on failure.
bool run_cpu_tests(const CpuTestOptions& options);

} // namespace guest
