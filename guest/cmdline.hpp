// Boot options from start_info.cmd_line: words separated by spaces.
//   shutdown=poweroff|reboot|crash  reason passed to SCHEDOP_shutdown at the end
//   traps                           register a trap table (vectors 0-19)
//   mmtest, mmbench                 page-table checks / MMU benchmark (guest/mmtest.hpp,
//   mmbench.hpp) timer                           test timers and the clock (guest/timer.hpp)
//   rtc                             read the CMOS RTC through port I/O (guest/rtc_probe.hpp)
//   fault=pf|ud|bp                  provoke a fault after the boot checks
//   procs, tick, ping=, pong=, bench  CPU tests and benchmarks (guest/bench.hpp)
//   start=M:MEM:VCPUS               domain 0 toolstack: start a domU (guest/toolstack.hpp)
//   wpt                             test writable page tables (guest/wpt.hpp)
//   blkback                         domain 0: serve block devices to the domUs it starts
//   blk=N, blkbench=N, blksoak=R    domU: block I/O workload or benchmark (guest/blk/frontend.hpp)
//   balloon                         domU: balloon driver (guest/balloon/driver.hpp)
//   scenario                        domain 0: the scripted three-domU scenario (guest/scenario.hpp)
//   beat=MS                         print a heartbeat every MS ms forever (guest/heartbeat.hpp)
//   dbgloop, selfreport, ptchurn    workloads for gdb and introspection tests (guest/probes.hpp)
//   inject=MS                       observe and report fault injections (guest/inject_observer.hpp)
// Unknown words are reported and ignored (Xen may append its own words to
// dom0's command line, docs/pv-abi.md §1.1).
#pragma once

#include "guest/bench.hpp"
#include "guest/blk/frontend.hpp"
#include "guest/probes.hpp"
#include "guest/toolstack.hpp"
#include "hv/abi/hypercalls.hpp"

namespace guest {

enum class Fault {
    none,
    page_fault,     // fault=pf: read an unmapped address
    invalid_opcode, // fault=ud: execute ud2
    breakpoint,     // fault=bp: execute int3 (a trap: rip is past it)
};

struct BootOptions {
    xen::ShutdownReason shutdown = xen::SHUTDOWN_poweroff;
    Fault fault = Fault::none;
    bool traps = false;
    bool timer = false;
    bool rtc = false;
    bool mmtest = false;  // page-table checks (guest/mmtest.hpp)
    bool mmbench = false; // MMU benchmark (guest/mmbench.hpp)
    bool wpt = false;
    bool spin = false;        // busy-loop forever after the boot checks (a CPU hog)
    bool balloon = false;     // domU: serve domain 0's memory targets (guest/balloon/driver.hpp)
    u32 beat_ms = 0;          // beat=MS: print a heartbeat forever (guest/heartbeat.hpp)
    u32 inject_ms = 0;        // inject=MS: report fault injections (guest/inject_observer.hpp)
    Scenario scenario;        // start= options
    CpuTestOptions cpu;       // procs, tick, ping=, pong=, bench, ... (guest/bench.hpp)
    blk::FrontendOptions blk; // blk=, blkbench=
    ProbeOptions probe;       // dbgloop, selfreport, ptchurn (guest/probes.hpp)
};

BootOptions parse_cmdline(const char* cmdline);

const char* shutdown_reason_name(xen::ShutdownReason reason);
const char* fault_name(Fault fault);

} // namespace guest
