// The hypercall recorder (issue 9): what the hypervisor writes into the
// per-CPU trace rings the host drains (traces/FORMAT.md, "Live trace
// rings"). Every hook is an inline test of one flag, predicted not taken,
// so recording off costs one load and one branch; the work is out of line.
//
// All hooks run with the hypervisor lock held (every hypervisor entry takes
// it), which is what makes the per-CPU rings single-producer and the
// initial-state snapshot consistent with the first record.
#pragma once

#include "hv/lib/types.hpp"

struct Domain;
struct Vcpu;

namespace trace {

extern bool g_recording; // true between a successful start and a stop

inline bool recording() {
#ifdef GLASS_TRACE_COMPILED_OUT // for measuring what the hooks cost when off
    return false;
#else
    return __builtin_expect(g_recording, false);
#endif
}

// Out-of-line halves; call the inline hooks below instead.
void hypercall_entry_slow(Vcpu* v, u64 nr, const u64* args, unsigned nargs);
void hypercall_exit_slow(Vcpu* v, u64 nr, i64 result);
void guest_read_slow(u64 guest_va, const void* data, usize n);
void exception_bounce_slow(Vcpu* v, u8 vector, bool has_error, u32 error, u64 rip, u64 cr2);
void event_send_slow(Vcpu* v, u32 port, u16 remote_domain, u32 remote_port);
void event_upcall_slow(Vcpu* v, u64 pending_sel);
void page_type_slow(u64 mfn, u8 old_type, u8 new_type, u32 type_count);
void domain_event_slow(u16 domain, u32 kind, u32 reason, u64 arg);
void schedule_slow(u16 cpu, const Vcpu* prev, const Vcpu* next, u32 reason, u64 prev_ran_ns);
void fault_injected_slow(Vcpu* v, u8 vector, u32 error_code, u64 address, u8 kind, u8 effect);

// Hypercall dispatch: entry before the handler runs, exit after it. Calls
// nest (multicall); an exit without a recorded entry is not written, so
// the stream never holds half a call.
inline void hypercall_entry(Vcpu* v, u64 nr, const u64* args, unsigned nargs) {
    if (recording()) hypercall_entry_slow(v, nr, args, nargs);
}
inline void hypercall_exit(Vcpu* v, u64 nr, i64 result) {
    if (recording()) hypercall_exit_slow(v, nr, result);
}
// Guest memory the hypervisor just read (copy_from_guest) for the current
// vCPU's hypercall in progress; ignored outside a recorded hypercall.
inline void guest_read(u64 guest_va, const void* data, usize n) {
    if (recording()) guest_read_slow(guest_va, data, n);
}
inline void exception_bounce(Vcpu* v, u8 vector, bool has_error, u32 error, u64 rip, u64 cr2) {
    if (recording()) exception_bounce_slow(v, vector, has_error, error, rip, cr2);
}
// EVTCHNOP_send by v on `port`, reaching remote_domain's remote_port.
inline void event_send(Vcpu* v, u32 port, u16 remote_domain, u32 remote_port) {
    if (recording()) event_send_slow(v, port, remote_domain, remote_port);
}
inline void event_upcall(Vcpu* v, u64 pending_sel) {
    if (recording()) event_upcall_slow(v, pending_sel);
}
// A frame's effective type changed (values of mm::FrameType).
inline void page_type(u64 mfn, u8 old_type, u8 new_type, u32 type_count) {
    if (recording()) page_type_slow(mfn, old_type, new_type, type_count);
}
// kind: glass::trace::DomainEventKind.
inline void domain_event(u16 domain, u32 kind, u32 reason = 0, u64 arg = 0) {
    if (recording()) domain_event_slow(domain, kind, reason, arg);
}
// CPU `cpu` switched from prev to next (either may be null: idle).
// reason: glass::trace::ScheduleReason.
inline void schedule(u16 cpu, const Vcpu* prev, const Vcpu* next, u32 reason, u64 prev_ran_ns) {
    if (recording()) schedule_slow(cpu, prev, next, reason, prev_ran_ns);
}
// For the fault injector: one call per fault it injects into v (null: the
// hypervisor itself), so traces show cause next to effect. kind/effect:
// see glass::trace::FaultInjected.
inline void fault_injected(Vcpu* v, u8 vector, u32 error_code, u64 address, u8 kind = 0,
                           u8 effect = 0) {
    if (recording()) fault_injected_slow(v, vector, error_code, address, kind, effect);
}

} // namespace trace
