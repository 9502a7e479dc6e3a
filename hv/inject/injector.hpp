// The hypervisor glue of fault injection: keeps the one InjectionTable
// (hv/core/inject), does what its injections ask at the hook points, and
// reports each effect back to the table and to the trace.
//
// Hooks (each one line at its call site, all under the hypervisor lock):
//   hypercall dispatch   injector_hypercall       hypercall/dispatch.cpp
//   exception bounce     injector_deliver         traps/bounce.cpp (deliver_pending)
//   guest #BP, #PF       injector_breakpoint, injector_page_fault  traps/guest_trap.cpp
//   event delivery       injector_notification    evtchn/evtchn.cpp (evtchn_raise)
//   reservation          injector_refuse_reservation  hypercall/memory_op.cpp
//   destruction          injector_domain_gone     domain/domain_destroy.cpp
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/core/inject/table.hpp"
#include "hv/lib/result.hpp"

struct Domain;
struct Vcpu;
struct HypercallArgs;

// Arms an injection (control port). XEN_ESRCH: no such domain (or vCPU);
// XEN_EFAULT: a rip trigger's address is not mapped in the domain;
// XEN_EINVAL, XEN_ENOSPC from the table.
[[nodiscard]] Result<u32> injector_arm(const inject::Spec& s);
// XEN_ENOENT when the id names nothing armed or active.
[[nodiscard]] Status injector_cancel(u32 id);
const inject::InjectionTable& injector_table();

// The one table. Visible so the hot-path hooks below test it inline.
extern inject::InjectionTable g_injections;

// True when an injection answers the hypercall: `result` is what the guest
// gets, the handler does not run. With nothing armed: one load, one branch.
bool injector_hypercall_slow(Vcpu* v, u64 nr, const HypercallArgs& args, i64& result);
inline bool injector_hypercall(Vcpu* v, u64 nr, const HypercallArgs& args, i64& result) {
    if (__builtin_expect(g_injections.idle(), true)) return false;
    return injector_hypercall_slow(v, nr, args, result);
}
// On the way into the guest, before a queued trap is bounced: delivers an
// injected exception or crash due on v. True when the domain crashed.
// Every exit to a guest passes here: inline test, as for hypercalls.
bool injector_deliver_slow(Vcpu* v, Regs& r);
inline bool injector_deliver(Vcpu* v, Regs& r) {
    if (__builtin_expect(g_injections.idle(), true)) return false;
    return injector_deliver_slow(v, r);
}
// #BP at an int3 planted for a rip trigger: restores the byte, rewinds rip
// and fires. True when it was ours.
bool injector_breakpoint(Vcpu* v, Regs& r);
// The guest is about to get a page fault. True when an injected exception
// now goes first: the real fault is not delivered (the instruction faults
// again when the guest returns to it).
bool injector_page_fault(Vcpu* v);
// A notification of `port` is about to be raised in d. True when it is
// swallowed (dropped, or held for a delay). On every event send.
bool injector_notification_slow(Domain* d, u32 port);
inline bool injector_notification(Domain* d, u32 port) {
    if (__builtin_expect(g_injections.idle(), true)) return false;
    return injector_notification_slow(d, port);
}
// A reservation increase for d: true when it must be refused.
bool injector_refuse_reservation(Domain* d);
// d is being destroyed: its unfinished injections end.
void injector_domain_gone(Domain* d);
