#include "traces/replay/engine.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/core/hypercall/evtchn_ops.hpp"
#include "hv/core/hypercall/mmu_ops.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace glass::replay {

namespace {

using trace::RecordType;

u32 key(u16 domain, u16 vcpu) {
    return u32{domain} << 16 | vcpu;
}

std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
    return buf;
}

} // namespace

Divergence call_divergence(DivergenceKind k, u64 record, const OpenCall& c) {
    Divergence d;
    d.kind = k;
    d.record = record;
    d.call_record = c.entry_record;
    d.domain = c.entry.h.domain;
    d.vcpu = c.entry.h.vcpu;
    d.nr = c.entry.nr;
    d.subop = c.entry.subop;
    return d;
}

Engine::Engine(MachineState& m) : m_(m) {
    m_.types().set_validate_hook(&Engine::on_validate, this);
}

Engine::~Engine() {
    m_.types().set_validate_hook(nullptr, nullptr);
}

bool Engine::modelled(u32 nr) {
    switch (nr) {
    case xen::HC_mmu_update:
    case xen::HC_mmuext_op:
    case xen::HC_update_va_mapping:
    case xen::HC_update_va_mapping_otherdomain:
    case xen::HC_event_channel_op:
    case xen::HC_update_descriptor:
        return true;
    default:
        return false;
    }
}

// The typing core is about to read a frame's contents to validate it: give
// it what the recorded call saw there (the guest wrote it directly).
void Engine::on_validate(void* ctx, u64 mfn, mm::FrameType) {
    auto* e = static_cast<Engine*>(ctx);
    OpenCall* call = e->executing_;
    if (call) {
        for (RecordedRead& r : call->reads) {
            if (!r.machine_frame || (r.va >> kPageShift) != mfn || r.data.empty()) continue;
            if (mfn < e->m_.memory().nr_frames())
                std::memcpy(e->m_.memory().frame(mfn), r.data.data(),
                            r.data.size() < kPageSize ? r.data.size() : kPageSize);
            r.data.clear(); // consumed: a second validation reads the next one
            e->stats_.frames_loaded++;
            return;
        }
    }
    e->stats_.frames_without_contents++;
}

void Engine::apply(u64 index, const trace::RecordHeader& r, std::vector<Divergence>& out) {
    stats_.records++;
    switch (static_cast<RecordType>(r.type)) {
    case RecordType::HypercallEntry: {
        auto e = trace::record_as<trace::HypercallEntry>(&r, RecordType::HypercallEntry);
        if (!e) break;
        auto& stack = st_.open[key(r.domain, r.vcpu)];
        bool nested = (r.flags & trace::kHypercallInMulticall) && !stack.empty() &&
                      stack.back().entry.nr == xen::HC_multicall;
        if (!nested && !stack.empty()) {
            Divergence d = call_divergence(DivergenceKind::Framing, index, stack.front());
            d.detail = "a new hypercall entry while the call entered at record " +
                       std::to_string(stack.front().entry_record) + " has no exit";
            out.push_back(d);
            stack.clear();
        }
        OpenCall c;
        c.entry_record = index;
        c.entry = *e;
        stack.push_back(std::move(c));
        break;
    }
    case RecordType::HypercallRead: {
        auto rd = trace::record_as<trace::HypercallRead>(&r, RecordType::HypercallRead);
        auto it = st_.open.find(key(r.domain, r.vcpu));
        if (!rd || it == st_.open.end() || it->second.empty()) break; // not inside a call
        if (rd->bytes > r.size - sizeof(trace::HypercallRead)) break; // framing checked by reader
        RecordedRead rr;
        rr.record = index;
        rr.va = rd->guest_va;
        rr.machine_frame = (r.flags & trace::kReadMachineFrame) != 0;
        auto p = reinterpret_cast<const u8*>(rd + 1);
        rr.data.assign(p, p + rd->bytes);
        it->second.back().reads.push_back(std::move(rr));
        break;
    }
    case RecordType::HypercallExit: {
        auto x = trace::record_as<trace::HypercallExit>(&r, RecordType::HypercallExit);
        if (x) exit_call(index, *x, out);
        break;
    }
    case RecordType::PageTypeChange: {
        auto p = trace::record_as<trace::PageTypeChange>(&r, RecordType::PageTypeChange);
        auto it = st_.open.find(key(r.domain, r.vcpu));
        if (p && it != st_.open.end() && !it->second.empty())
            it->second.back().type_changes[p->mfn] = {p->new_type, p->type_count};
        break;
    }
    case RecordType::Checkpoint: {
        auto c = trace::record_as<trace::Checkpoint>(&r, RecordType::Checkpoint);
        if (c) checkpoint(index, *c, out);
        break;
    }
    case RecordType::LostRecords: {
        auto l = trace::record_as<trace::LostRecords>(&r, RecordType::LostRecords);
        if (!l) break;
        stats_.lost_records += l->count;
        Divergence d;
        d.kind = DivergenceKind::Lost;
        d.record = index;
        d.domain = r.domain;
        d.vcpu = r.vcpu;
        d.detail = std::to_string(l->count) + " records lost on CPU " + std::to_string(r.cpu) +
                   ": the state after this point cannot be verified";
        out.push_back(d);
        break;
    }
    default:
        break; // events replay does not need (bounces, upcalls, scheduling...)
    }
}

void Engine::exit_call(u64 index, const trace::HypercallExit& x, std::vector<Divergence>& out) {
    auto it = st_.open.find(key(x.h.domain, x.h.vcpu));
    if (it == st_.open.end() || it->second.empty()) {
        Divergence d;
        d.kind = DivergenceKind::Framing;
        d.record = index;
        d.domain = x.h.domain;
        d.vcpu = x.h.vcpu;
        d.nr = x.nr;
        d.subop = x.subop;
        d.detail = "hypercall exit without an entry on this vCPU";
        out.push_back(d);
        return;
    }
    OpenCall call = std::move(it->second.back());
    it->second.pop_back();
    if (it->second.empty()) st_.open.erase(it);
    stats_.hypercalls++;
    if (call.entry.nr != x.nr) {
        Divergence d = call_divergence(DivergenceKind::Framing, index, call);
        d.detail = "exit of hypercall " + std::to_string(x.nr) + " closes the entry of " +
                   std::to_string(call.entry.nr);
        out.push_back(d);
        return;
    }
    if (x.nr == xen::HC_multicall) {
        stats_.containers++; // its sub-calls were replayed at their own exits
        return;
    }
    if (!modelled(x.nr)) {
        stats_.not_modelled[x.nr]++;
        return;
    }
    execute(index, call, x, out);
}

void Engine::execute(u64 exit_index, OpenCall& call, const trace::HypercallExit& x,
                     std::vector<Divergence>& out) {
    DomainState* d = m_.domain(call.entry.h.domain);
    if (!d || call.entry.h.vcpu >= d->vcpus.size()) {
        stats_.unknown_domain++;
        return;
    }
    VcpuState& v = d->vcpus[call.entry.h.vcpu];
    RecordedMemory mem(call.reads, stats_);
    const u64* a = call.entry.args;
    executing_ = &call;
    i64 rc = 0;
    switch (call.entry.nr) {
    case xen::HC_mmu_update: {
        ReplayMmuCaller c(m_, *d, v, mem);
        rc = hcore::mmu_update(m_.types(), c, a[0], a[1], a[2], a[3]);
        break;
    }
    case xen::HC_mmuext_op: {
        ReplayMmuCaller c(m_, *d, v, mem);
        rc = hcore::mmuext_op(m_.types(), c, a[0], a[1], a[2], a[3]);
        break;
    }
    case xen::HC_update_va_mapping: {
        ReplayMmuCaller c(m_, *d, v, mem);
        rc = hcore::update_va_mapping(m_.types(), c, a[0], a[1], a[2], d->id);
        break;
    }
    case xen::HC_update_va_mapping_otherdomain: {
        ReplayMmuCaller c(m_, *d, v, mem);
        rc = hcore::update_va_mapping_otherdomain(m_.types(), c, a[0], a[1], a[2], a[3]);
        break;
    }
    case xen::HC_event_channel_op: {
        ReplayEvtchnCaller c(m_, *d, mem);
        rc = hcore::event_channel_op(c, a[0], a[1]);
        break;
    }
    case xen::HC_update_descriptor: // the handler is this one core call
        rc = m_.types().update_descriptor(a[0], a[1], d->mm).as_hypercall_result();
        break;
    default:
        break;
    }
    executing_ = nullptr;
    (void)m_.types().take_flush_request();
    stats_.replayed++;

    if (!mem.mismatch().empty()) {
        Divergence dv = call_divergence(DivergenceKind::GuestRead, mem.mismatch_record(), call);
        dv.expected_result = x.result;
        dv.actual_result = rc;
        dv.detail = mem.mismatch();
        out.push_back(dv);
    } else if (usize left = mem.unread()) {
        Divergence dv = call_divergence(DivergenceKind::ReadsLeft, mem.first_unread_record(), call);
        dv.expected_result = x.result;
        dv.actual_result = rc;
        dv.detail = "replay did not make " + std::to_string(left) + " of the recorded guest reads";
        out.push_back(dv);
    }
    if (rc != x.result) {
        Divergence dv = call_divergence(DivergenceKind::Result, exit_index, call);
        dv.expected_result = x.result;
        dv.actual_result = rc;
        dv.detail = "result " + std::to_string(rc) + ", recorded " + std::to_string(x.result);
        out.push_back(dv);
    } else {
        stats_.results_matched++;
    }
    for (const auto& [mfn, tc] : call.type_changes) {
        if (!m_.frames().in_table(mfn)) continue;
        const mm::FrameInfo& f = m_.frames()[mfn];
        u8 now = static_cast<u8>(m_.frames().active_type(mfn));
        stats_.page_types_checked++;
        // The recorder notes type changes (first reference taken, last one
        // dropped), not every count change after them: compare the type.
        if (now == tc.first) continue;
        Divergence dv = call_divergence(DivergenceKind::PageType, exit_index, call);
        dv.frame = mfn;
        dv.detail = "frame " + hex(mfn) + " has type " + std::to_string(now) + " count " +
                    std::to_string(f.type_count) + ", recorded type " + std::to_string(tc.first) +
                    " count " + std::to_string(tc.second);
        out.push_back(dv);
        break;
    }
}

void Engine::checkpoint(u64 index, const trace::Checkpoint& c, std::vector<Divergence>& out) {
    stats_.checkpoints++;
    st_.checkpoints_seen++;
    u64 ft = m_.frame_table_hash();
    u64 ev = m_.evtchn_hash();
    if (ft == c.frame_table_hash && ev == c.evtchn_hash) {
        stats_.checkpoints_matched++;
        return;
    }
    Divergence d;
    d.kind = DivergenceKind::Checkpoint;
    d.record = index;
    d.call_record = index;
    d.expected_hash[0] = c.frame_table_hash;
    d.expected_hash[1] = c.evtchn_hash;
    d.actual_hash[0] = ft;
    d.actual_hash[1] = ev;
    d.detail = std::string(ft != c.frame_table_hash ? "frame-table hash" : "") +
               (ft != c.frame_table_hash && ev != c.evtchn_hash ? " and " : "") +
               (ev != c.evtchn_hash ? "event-channel hash" : "") +
               (ft != c.frame_table_hash && ev != c.evtchn_hash ? " differ" : " differs") +
               " (checkpoint " + std::to_string(c.sequence) + ")";
    out.push_back(d);
}

} // namespace glass::replay
