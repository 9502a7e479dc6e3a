// The hooks' slow halves: build a record, apply the filters, append it to
// this CPU's ring. Everything here runs with the hypervisor lock held.
#include "hv/trace/recorder.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/domain/domain.hpp"
#include "hv/trace/control.hpp"
#include "hv/trace/rings.hpp"

using namespace glass::trace;

namespace trace {

bool g_recording = false;

namespace {

u64 g_since_checkpoint = 0;

// The filters in effect, read for every record.
inline const Filters& active() {
    return g_control.active;
}

bool domain_passes(u16 dom) {
    u64 mask = active().domain_mask;
    return (mask >> (dom < 63 ? dom : 63)) & 1;
}

bool type_passes(RecordType t) {
    return (active().type_mask >> static_cast<u32>(t)) & 1;
}

bool hypercall_passes(u64 nr) {
    return nr < 64 && ((active().hypercall_mask >> nr) & 1);
}

u16 dom_of(const Vcpu* v) {
    return v ? v->domain->id : kDomainHypervisor;
}

u16 vcpu_of(const Vcpu* v) {
    return v ? static_cast<u16>(v->id) : 0;
}

// Whether v is inside a hypercall whose entry was recorded (its reads and
// exit then belong in the stream too).
bool in_recorded_call(const Vcpu* v) {
    return v && v->trace_nest && ((v->trace_recorded >> (v->trace_nest - 1)) & 1);
}

} // namespace

void fill_header(RecordHeader& h, RecordType type, u32 bytes, u16 domain, u16 vcpu) {
    h.type = static_cast<u16>(type);
    h.cpu = static_cast<u16>(cpu_info()->cpu_id);
    h.size = record_size_for(bytes);
    h.domain = domain;
    h.vcpu = vcpu;
    h.flags = 0;
    h.time_ns = arch::now_ns();
}

void emit(const void* rec, u32 rec_bytes, const void* tail, u32 tail_bytes) {
    // The record's own time stamps a loss notice, if one must go first.
    u64 now = static_cast<const RecordHeader*>(rec)->time_ns;
    if (this_ring().write(rec, rec_bytes, tail, tail_bytes, now)) g_since_checkpoint++;
}

void reset_checkpoint_counter() {
    g_since_checkpoint = 0;
}

void hypercall_entry_slow(Vcpu* v, u64 nr, const u64* args, unsigned nargs) {
    // Nesting is tracked even for calls the filters drop, so the exit of a
    // recorded multicall is matched to its own entry.
    unsigned level = v->trace_nest++;
    if (level >= 8) return; // deeper than any real nesting: not recorded
    v->trace_recorded = static_cast<u8>(v->trace_recorded & ~(1u << level));
    if (!domain_passes(v->domain->id) || !hypercall_passes(nr) ||
        !type_passes(RecordType::HypercallEntry))
        return;
    HypercallEntry e{};
    fill_header(e.h, RecordType::HypercallEntry, sizeof e, v->domain->id, static_cast<u16>(v->id));
    if (level) e.h.flags = kHypercallInMulticall;
    e.nr = static_cast<u32>(nr);
    e.subop = nargs ? static_cast<u32>(args[0]) : 0;
    for (unsigned i = 0; i < nargs && i < 6; i++)
        e.args[i] = args[i];
    v->trace_recorded = static_cast<u8>(v->trace_recorded | (1u << level));
    emit(&e, sizeof e);
}

void hypercall_exit_slow(Vcpu* v, u64 nr, i64 result) {
    if (!v->trace_nest) return; // its entry came before recording started
    bool recorded = in_recorded_call(v);
    unsigned level = --v->trace_nest;
    if (!recorded) return;
    v->trace_recorded = static_cast<u8>(v->trace_recorded & ~(1u << level));
    HypercallExit x{};
    fill_header(x.h, RecordType::HypercallExit, sizeof x, v->domain->id, static_cast<u16>(v->id));
    if (level) x.h.flags = kHypercallInMulticall;
    x.nr = static_cast<u32>(nr);
    x.result = result;
    emit(&x, sizeof x);
    // Checkpoints only between top-level calls: replay compares them with
    // its state after whole hypercalls.
    u32 interval = active().checkpoint_interval;
    if (level == 0 && interval && g_since_checkpoint >= interval) emit_checkpoint();
}

void guest_read_slow(u64 guest_va, const void* data, usize n) {
    Vcpu* v = current_vcpu();
    if (!in_recorded_call(v) || !type_passes(RecordType::HypercallRead)) return;
    const u8* p = static_cast<const u8*>(data);
    // Reads beyond one record's limit go out as several records, in order.
    while (n) {
        u32 part = n < kMaxReadBytes ? static_cast<u32>(n) : (kMaxReadBytes & ~7u);
        HypercallRead r{};
        fill_header(r.h, RecordType::HypercallRead, sizeof r + part, v->domain->id,
                    static_cast<u16>(v->id));
        r.guest_va = guest_va;
        r.bytes = part;
        emit(&r, sizeof r, p, part);
        guest_va += part;
        p += part;
        n -= part;
    }
}

void machine_frame_read(u64 mfn, const u8* contents) {
    Vcpu* v = current_vcpu();
    if (!recording() || !in_recorded_call(v) || !type_passes(RecordType::HypercallRead)) return;
    HypercallRead r{};
    fill_header(r.h, RecordType::HypercallRead, sizeof r + kPageSize, v->domain->id,
                static_cast<u16>(v->id));
    r.h.flags = kReadMachineFrame;
    r.guest_va = mfn << kPageShift;
    r.bytes = kPageSize;
    emit(&r, sizeof r, contents, kPageSize);
}

void exception_bounce_slow(Vcpu* v, u8 vector, bool has_error, u32 error, u64 rip, u64 cr2) {
    if (!domain_passes(v->domain->id) || !type_passes(RecordType::ExceptionBounce)) return;
    ExceptionBounce b{};
    fill_header(b.h, RecordType::ExceptionBounce, sizeof b, v->domain->id, static_cast<u16>(v->id));
    b.vector = vector;
    b.has_error_code = has_error;
    b.error_code = error;
    b.rip = rip;
    b.cr2 = cr2;
    emit(&b, sizeof b);
}

void event_send_slow(Vcpu* v, u32 port, u16 remote_domain, u32 remote_port) {
    if (!domain_passes(v->domain->id) || !type_passes(RecordType::EventSend)) return;
    EventSend s{};
    fill_header(s.h, RecordType::EventSend, sizeof s, v->domain->id, static_cast<u16>(v->id));
    s.port = port;
    s.remote_domain = remote_domain;
    s.remote_port = remote_port;
    emit(&s, sizeof s);
}

void event_upcall_slow(Vcpu* v, u64 pending_sel) {
    if (!domain_passes(v->domain->id) || !type_passes(RecordType::EventUpcall)) return;
    EventUpcall u{};
    fill_header(u.h, RecordType::EventUpcall, sizeof u, v->domain->id, static_cast<u16>(v->id));
    u.pending_sel = pending_sel;
    emit(&u, sizeof u);
}

void page_type_slow(u64 mfn, u8 old_type, u8 new_type, u32 type_count) {
    Vcpu* v = current_vcpu();
    u16 dom = dom_of(v);
    if (!domain_passes(dom) || !type_passes(RecordType::PageTypeChange)) return;
    PageTypeChange c{};
    fill_header(c.h, RecordType::PageTypeChange, sizeof c, dom, vcpu_of(v));
    c.mfn = mfn;
    c.old_type = old_type;
    c.new_type = new_type;
    c.type_count = type_count;
    emit(&c, sizeof c);
}

void domain_event_slow(u16 domain, u32 kind, u32 reason, u64 arg) {
    if (!domain_passes(domain) || !type_passes(RecordType::DomainEvent)) return;
    DomainEvent e{};
    fill_header(e.h, RecordType::DomainEvent, sizeof e, domain, 0);
    e.kind = kind;
    e.reason = reason;
    e.arg = arg;
    emit(&e, sizeof e);
}

void schedule_slow(u16, const Vcpu* prev, const Vcpu* next, u32 reason, u64 prev_ran_ns) {
    u16 nd = dom_of(next), pd = dom_of(prev);
    if ((!domain_passes(nd) && !domain_passes(pd)) || !type_passes(RecordType::Schedule)) return;
    Schedule s{};
    fill_header(s.h, RecordType::Schedule, sizeof s, nd, vcpu_of(next));
    s.prev_domain = pd;
    s.prev_vcpu = vcpu_of(prev);
    s.reason = reason;
    s.prev_ran_ns = prev_ran_ns;
    emit(&s, sizeof s);
}

void fault_injected_slow(Vcpu* v, u8 vector, u32 error_code, u64 address, u8 kind, u8 effect) {
    u16 dom = dom_of(v);
    if (!domain_passes(dom) || !type_passes(RecordType::FaultInjected)) return;
    FaultInjected f{};
    fill_header(f.h, RecordType::FaultInjected, sizeof f, dom, vcpu_of(v));
    f.vector = vector;
    f.kind = kind;
    f.effect = effect;
    f.error_code = error_code;
    f.address = address;
    emit(&f, sizeof f);
}

} // namespace trace
