#include "traces/replay/replay.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"
#include "traces/names.hpp"
#include "traces/reader.hpp"
#include "traces/replay/engine.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <set>

namespace glass::replay {

namespace {

std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#" PRIx64, v);
    return buf;
}

const char* type_name(mm::FrameType t) {
    static const char* const kNames[] = {"none", "L1",      "L2",     "L3",
                                         "L4",   "segdesc", "shared", "writable"};
    auto i = static_cast<unsigned>(t);
    return i < 8 ? kNames[i] : "?";
}

std::string describe(const mm::FrameInfo& f) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "owner %u, %s, type count %u, refs %u%s%s", f.owner,
                  type_name(f.type), f.type_count, f.ref_count,
                  (f.flags & mm::kFramePinned) ? ", pinned" : "",
                  (f.flags & mm::kFrameValidated) ? ", validated" : "");
    return buf;
}

bool same_frame(const mm::FrameInfo& a, const mm::FrameInfo& b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

const char* port_state_name(PortState s) {
    switch (s) {
    case PortState::Free:
        return "Free";
    case PortState::Reserved:
        return "Reserved";
    case PortState::Unbound:
        return "Unbound";
    case PortState::Interdomain:
        return "Interdomain";
    case PortState::Virq:
        return "Virq";
    case PortState::Ipi:
        return "Ipi";
    case PortState::Pirq:
        return "Pirq";
    }
    return "?";
}

// A frame the first recorded request of a call names: for a call that
// failed differently without changing anything, that is where to look.
std::optional<u64> named_frame(const OpenCall& c, MachineState& m) {
    const RecordedRead* first = nullptr;
    for (const RecordedRead& r : c.reads)
        if (!r.machine_frame) {
            first = &r;
            break;
        }
    switch (c.entry.nr) {
    case xen::HC_mmu_update:
        if (first && first->data.size() >= sizeof(xen::MmuUpdate)) {
            xen::MmuUpdate u;
            std::memcpy(&u, first->data.data(), sizeof u);
            return u.ptr >> kPageShift;
        }
        break;
    case xen::HC_mmuext_op:
        if (first && first->data.size() >= sizeof(xen::MmuextOp)) {
            xen::MmuextOp op;
            std::memcpy(&op, first->data.data(), sizeof op);
            return op.arg1;
        }
        break;
    case xen::HC_update_va_mapping: {
        const DomainState* d = m.domain(c.entry.h.domain);
        if (!d || c.entry.h.vcpu >= d->vcpus.size()) break;
        auto slot = hcore::find_l1_slot(m.frames(), m.memory().phys(),
                                        d->vcpus[c.entry.h.vcpu].kernel_l4_mfn, c.entry.args[0]);
        if (slot.ok()) return slot->table_mfn;
        break;
    }
    default:
        break;
    }
    return std::nullopt;
}

} // namespace

const char* divergence_kind_name(DivergenceKind k) {
    switch (k) {
    case DivergenceKind::Result:
        return "result";
    case DivergenceKind::Checkpoint:
        return "checkpoint";
    case DivergenceKind::GuestRead:
        return "guest read";
    case DivergenceKind::ReadsLeft:
        return "reads left";
    case DivergenceKind::PageType:
        return "page type";
    case DivergenceKind::Framing:
        return "framing";
    case DivergenceKind::Lost:
        return "lost records";
    }
    return "?";
}

std::string Divergence::message() const {
    std::string s = "record " + std::to_string(record) + " (" + divergence_kind_name(kind);
    if (kind == DivergenceKind::Checkpoint) {
        s += "): " + detail;
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "; frame table %016" PRIx64 " recorded %016" PRIx64
                      ", event channels %016" PRIx64 " recorded %016" PRIx64,
                      actual_hash[0], expected_hash[0], actual_hash[1], expected_hash[1]);
        s += buf;
    } else if (kind == DivergenceKind::Lost) {
        s += "): " + detail;
    } else {
        s += ", d" + std::to_string(domain) + "v" + std::to_string(vcpu) + " " +
             trace::hypercall_name(nr) + " entered at record " + std::to_string(call_record) +
             "): " + detail;
        if (kind != DivergenceKind::Result && kind != DivergenceKind::Framing)
            s += " (result " + std::to_string(actual_result) + ", recorded " +
                 std::to_string(expected_result) + ")";
    }
    if (frame) s += "; frame " + hex(*frame);
    return s;
}

struct Saved {
    u64 position = 0;
    SavedState machine;
    OpenCalls open;
    u64 checkpoints_seen = 0;
    ReplayStats stats;
};

struct Replay::Impl {
    ReplayOptions options;
    std::unique_ptr<trace::Reader> reader;
    MachineState machine;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<trace::Cursor> cursor;
    std::vector<Saved> saved;        // ascending position; [0] is the snapshot
    std::vector<mm::FrameInfo> base; // the snapshot's frame table: checkpoints store changes to it
    std::set<std::pair<u64, int>> seen;
    u64 last_good_checkpoint = 0; // record index + 1 of the last matching checkpoint (0: snapshot)

    void save(u64 position) {
        Saved s;
        s.position = position;
        machine.save(s.machine, &base);
        s.open = engine->state().open;
        s.checkpoints_seen = engine->state().checkpoints_seen;
        s.stats = engine->stats();
        saved.push_back(std::move(s));
    }
    void restore(const Saved& s) {
        machine.restore(s.machine, &base);
        engine->state().open = s.open;
        engine->state().checkpoints_seen = s.checkpoints_seen;
        engine->stats() = s.stats;
        cursor = std::make_unique<trace::Cursor>(*reader, s.position);
    }
};

Replay::Replay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Replay::~Replay() = default;

Outcome<std::unique_ptr<Replay>> Replay::open(const std::string& path, ReplayOptions options) {
    std::string err;
    auto src = trace::open_file_source(path, err);
    if (!src) return Outcome<std::unique_ptr<Replay>>::failure(path + ": " + err);
    return open(std::make_unique<trace::Reader>(std::move(src)), options);
}

Outcome<std::unique_ptr<Replay>> Replay::open(std::unique_ptr<trace::Reader> reader,
                                              ReplayOptions options) {
    using R = Outcome<std::unique_ptr<Replay>>;
    if (options.checkpoint_interval == 0) options.checkpoint_interval = 1;
    trace::Status s = reader->open();
    if (!s.ok()) return R::failure(s.error().to_string());
    auto impl = std::make_unique<Impl>();
    impl->options = options;
    impl->reader = std::move(reader);
    s = impl->machine.load_snapshot(*impl->reader);
    if (!s.ok()) return R::failure("snapshot: " + s.error().to_string());
    impl->engine = std::make_unique<Engine>(impl->machine);
    impl->cursor = std::make_unique<trace::Cursor>(*impl->reader, 0);
    impl->base = impl->machine.info();
    impl->save(0);
    return std::unique_ptr<Replay>(new Replay(std::move(impl)));
}

u64 Replay::record_count() const {
    return impl_->reader->record_count();
}

const std::optional<trace::Error>& Replay::damage() const {
    return impl_->reader->damage();
}

const ReplayStats& Replay::stats() const {
    return impl_->engine->stats();
}

void Replay::note(std::vector<Divergence>& found) {
    for (Divergence& d : found) {
        if (!impl_->seen.insert({d.record, static_cast<int>(d.kind)}).second) continue;
        auto at = std::upper_bound(
            divergences_.begin(), divergences_.end(), d,
            [](const Divergence& a, const Divergence& b) { return a.record < b.record; });
        divergences_.insert(at, std::move(d));
    }
    found.clear();
}

trace::Status Replay::step_to(u64 to, bool stop_at_divergence) {
    Impl& m = *impl_;
    std::vector<Divergence> found;
    while (position_ < to) {
        u64 k = m.options.checkpoint_interval;
        if (position_ % k == 0 && position_ > m.saved.back().position) m.save(position_);
        const trace::RecordHeader* r = m.cursor->next();
        if (!r) {
            if (!m.cursor->status().ok()) return m.cursor->status();
            break;
        }
        u64 before = m.engine->stats().checkpoints_matched;
        m.engine->apply(position_, *r, found);
        position_++;
        if (m.engine->stats().checkpoints_matched != before && position_ > m.last_good_checkpoint)
            m.last_good_checkpoint = position_;
        if (!found.empty()) {
            note(found);
            if (stop_at_divergence) break;
        }
    }
    return {};
}

trace::Status Replay::run_to(u64 to, bool stop_at_divergence) {
    return step_to(std::min(to, record_count()), stop_at_divergence);
}

trace::Status Replay::seek(u64 n) {
    Impl& m = *impl_;
    if (n > record_count())
        return trace::Status::fail(0, "record " + std::to_string(n) + " is beyond the " +
                                          std::to_string(record_count()) + " readable records");
    // The last saved state at or before n.
    auto it = std::upper_bound(m.saved.begin(), m.saved.end(), n,
                               [](u64 v, const Saved& s) { return v < s.position; });
    const Saved& base = *(it - 1);
    if (!(position_ <= n && position_ >= base.position)) {
        m.restore(base);
        position_ = base.position;
    }
    return step_to(n, false);
}

FrameSnapshot Replay::frames() const {
    FrameSnapshot s;
    s.stamp.consistent = true; // replayed state never changes under the reader
    s.stamp.attempts = 1;
    s.frames = impl_->machine.info();
    return s;
}

DomainsSnapshot Replay::domains() const {
    DomainsSnapshot s;
    s.stamp.consistent = true;
    s.stamp.attempts = 1;
    static const char* const kStates[] = {"running", "paused", "shutdown"};
    for (const auto& [id, d] : impl_->machine.domains()) {
        DomainSnapshot ds;
        ds.id = id;
        ds.state = d.run_state < 3 ? kStates[d.run_state] : "unknown";
        ds.privileged = d.privileged;
        ds.nr_pages = d.pages;
        ds.max_pages = d.pages;
        for (u32 v = 0; v < d.vcpus.size(); v++) {
            VcpuSnapshot vs;
            vs.id = v;
            vs.initialised = d.vcpus[v].kernel_l4_mfn != 0;
            vs.state = vs.initialised ? "runnable" : "offline";
            vs.kernel_mode = d.vcpus[v].kernel_mode;
            vs.kernel_l4_mfn = d.vcpus[v].kernel_l4_mfn;
            vs.user_l4_mfn = d.vcpus[v].user_l4_mfn;
            ds.vcpus.push_back(std::move(vs));
        }
        s.domains.push_back(std::move(ds));
    }
    return s;
}

Outcome<EvtchnSnapshot> Replay::evtchn(u16 domid) const {
    using R = Outcome<EvtchnSnapshot>;
    const DomainState* d = impl_->machine.domain(domid);
    if (!d) return R::failure("no such domain " + std::to_string(domid));
    if (!d->evtchn)
        return R::failure("domain " + std::to_string(domid) + " has no event channels yet");
    EvtchnSnapshot s;
    s.stamp.consistent = true;
    s.stamp.attempts = 1;
    s.domid = domid;
    for (u32 p = 0; p < kEvtchnMaxPorts; p++) {
        const PortRecord& r = d->evtchn->record(p);
        if (r.state == PortState::Free) continue;
        PortSnapshot ps;
        ps.port = p;
        ps.state = port_state_name(r.state);
        ps.notify_vcpu = r.notify_vcpu;
        ps.remote_dom = r.remote_dom;
        ps.remote_port = r.remote_port;
        ps.virq = r.virq;
        s.ports.push_back(ps);
    }
    for (u32 v = 0; v < d->vcpus.size(); v++) {
        UpcallSnapshot u;
        u.vcpu = v;
        s.vcpus.push_back(u);
    }
    return s;
}

MachineMemory Replay::memory() const {
    const FrameMemory& fm = impl_->machine.memory();
    u64 size = fm.nr_frames() * kPageSize;
    return MachineMemory(fm.bytes(), size, size);
}

Outcome<WalkResult> Replay::walk(u64 l4_mfn, u64 va) const {
    return glass::walk(memory(), l4_mfn, va);
}

void Replay::explain(Divergence& d) {
    if (d.frame) return;
    Impl& m = *impl_;
    u64 here = position_;
    // The state now, kept to come back to.
    Saved now;
    now.position = here;
    m.machine.save(now.machine, &m.base);
    now.open = m.engine->state().open;
    now.checkpoints_seen = m.engine->state().checkpoints_seen;
    now.stats = m.engine->stats();

    std::vector<Divergence> scratch;
    auto changed = [&](const std::vector<mm::FrameInfo>& before,
                       const std::vector<std::vector<u64>>* tables_before) {
        const auto& after = m.machine.info();
        for (u64 f = 0; f < after.size() && f < before.size(); f++) {
            bool differs = !same_frame(before[f], after[f]);
            if (!differs && tables_before && !(*tables_before)[f].empty())
                differs = std::memcmp((*tables_before)[f].data(), m.machine.memory().frame(f),
                                      kPageSize) != 0;
            if (differs) {
                d.frame = f;
                d.detail += "; frame " + hex(f) + " was " + describe(before[f]) + ", now " +
                            describe(after[f]);
                return;
            }
        }
    };

    if (d.kind == DivergenceKind::Result || d.kind == DivergenceKind::PageType) {
        // d.record is the call's exit: the state before it, then the call alone.
        if (!seek(d.record).ok()) return;
        std::vector<mm::FrameInfo> before = m.machine.info();
        std::vector<std::vector<u64>> tables(before.size());
        for (u64 f = 0; f < before.size(); f++)
            if (before[f].type_count && mm::is_page_table_type(before[f].type)) {
                const u64* p = m.machine.memory().frame(f);
                tables[f].assign(p, p + mm::kEntriesPerTable);
            }
        std::optional<u64> named;
        auto open = m.engine->state().open.find(u32{d.domain} << 16 | d.vcpu);
        if (open != m.engine->state().open.end() && !open->second.empty())
            named = named_frame(open->second.back(), m.machine);
        const trace::RecordHeader* r = m.cursor->next();
        if (r) {
            m.engine->apply(position_, *r, scratch);
            position_++;
            changed(before, &tables);
        }
        if (!d.frame && named) {
            d.frame = *named;
            if (m.machine.frames().in_table(*named))
                d.detail += "; the call names frame " + hex(*named) + ": " +
                            describe(m.machine.info()[*named]);
        }
    } else if (d.kind == DivergenceKind::Checkpoint && d.expected_hash[0] != d.actual_hash[0]) {
        // Frames that changed since the last checkpoint that matched.
        u64 good = m.last_good_checkpoint;
        if (good < d.record && seek(good).ok()) {
            std::vector<mm::FrameInfo> before = m.machine.info();
            if (seek(d.record + 1).ok()) changed(before, nullptr);
            if (d.frame)
                d.detail += " (the first frame changed since the checkpoint matched at record " +
                            std::to_string(good ? good - 1 : 0) + ")";
        }
    }
    // Back to where the caller was.
    m.restore(now);
    m.cursor = std::make_unique<trace::Cursor>(*m.reader, here);
    position_ = here;
}

} // namespace glass::replay
