// `inject=MS`: a domain that watches for fault injections and reports
// what it observes on its console, so tests check the effect, not only the
// request (issue 11). Every MS ms it:
//   * calls the probe function (its address is printed: a rip= target),
//   * calls memory_op(current_reservation)      -> hypercall-fail, on=
//   * reads unmapped 0xdead0000 at a known instruction and skips it in its
//     #PF handler                               -> on=pf triggers
//   * gives one page back and asks for one      -> memory-refuse
//   * sends itself an event on a loopback pair  -> evtchn-drop/delay/raise
// and its trap handlers (vectors 0-19, the NMI callback) report every
// exception they did not cause themselves, then resume where it hit.
// Lines start "Glasshouse inject: "; each "observed ..." line says what was
// seen and how the guest recovered.
#pragma once

#include "guest/arch/x86_64/trap_frame.hpp"
#include "hv/abi/xen.hpp"

namespace guest {

[[noreturn]] void run_inject_observer(const xen::StartInfo& si, u32 interval_ms);

// From the trap dispatcher: true when the observer handled the trap.
bool inject_observer_trap(TrapFrame& frame);

} // namespace guest
