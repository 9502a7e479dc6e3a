// Domain 0's toolstack: starts the domUs a scenario names on the command
// line, through the hypervisor's control interface (hv/abi/domctl.hpp), and
// reports how each one ends.
//   start=M:MEM:VCPUS[:WEIGHT[:CAP]]
//                       build a domU from boot module M (its string's
//                       arguments become the domU's command line) with MEM
//                       MiB, VCPUS vCPUs and scheduling weight/cap; repeatable
//   measure=MS          instead of waiting for the domUs to exit, let them
//                       run MS ms, print the CPU time each got, destroy them
//   pausecheck          with measure=: pause the first domU for the middle
//                       third of the interval and report its progress
//   blkback             serve a block device to each domU started (guest/blk/backend.hpp)
//   consoles            show each domU's console ring on ours, "[dN] text"
//                       (guest/console_relay.hpp)
//   churn=M:N           create and build N domains from module M, destroying
//                       each at once (the hypervisor must leak nothing)
#pragma once

#include "hv/abi/domctl.hpp"
#include "hv/lib/types.hpp"

namespace guest {

constexpr unsigned kMaxDomUs = 8;

struct DomUSpec {
    u32 module;
    u32 mem_mib;
    u32 vcpus;
    u32 weight = 0; // 0: the hypervisor's default
    u32 cap = 0;    // percent of one CPU, 0: none
    // Built and left paused (`xl create -p`): whoever watches from the host
    // (gdb, `glass inject`) sets up before its first instruction runs, and
    // `glass ctl unpause` starts it.
    bool paused = false;
};

struct Scenario {
    DomUSpec domus[kMaxDomUs];
    unsigned count = 0;
    u32 churn_module = 0;
    u32 churn_count = 0;
    u32 measure_ms = 0;
    bool blk_backend = false;
    bool pause_check = false;
    bool orchestrate = false; // `scenario`: guest/scenario.hpp
    bool consoles = false;    // `consoles`: show the domUs' console rings
};

// Parses "M:MEM:VCPUS"; false if malformed.
bool parse_domu_spec(const char* text, usize len, DomUSpec& out);

// Parses a decimal number of milliseconds for measure=.
bool parse_measure_spec(const char* text, usize len, Scenario& out);

// Parses "M:N" for churn=; false if malformed.
bool parse_churn_spec(const char* text, usize len, Scenario& out);

// Pieces the scripted scenario (guest/scenario.cpp) builds on.
long domctl(xen::Domctl& op); // sets the interface version
long destroy_domain(u16 domid);
u64 domu_store_mfn(u16 domid); // of a domU we built and started
// If domid has shut down or crashed: reports it, releases our mappings of
// its pages, destroys it and returns its SHUTDOWN_* reason; else -1.
int reap_if_exited(u16 domid);

// Starts every domU of the scenario, waits until all have shut down or
// crashed, destroys them, and prints one line per event.
void run_scenario(const Scenario& s);

} // namespace guest
