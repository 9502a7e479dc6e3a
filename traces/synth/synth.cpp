#include "traces/synth/synth.hpp"

#include <cstring>

namespace glass::trace {

namespace {

// Relative frequencies, after hypercall counts of a Linux PV guest booting
// and compiling: page-table updates dominate, then events and timers.
struct Mix {
    std::uint32_t nr;
    std::uint32_t weight;
    std::uint32_t base_ns; // typical handler time
};
constexpr Mix kMix[] = {
    {1, 240, 900},  // mmu_update
    {14, 160, 400}, // update_va_mapping
    {26, 110, 700}, // mmuext_op
    {32, 140, 350}, // event_channel_op
    {15, 90, 250},  // set_timer_op
    {29, 80, 600},  // sched_op
    {24, 40, 450},  // vcpu_op
    {20, 40, 1200}, // grant_table_op
    {23, 50, 300},  // iret
    {13, 20, 2500}, // multicall
    {12, 15, 3000}, // memory_op
    {17, 5, 150},   // xen_version
    {18, 10, 5000}, // console_io
};
constexpr std::uint32_t kMixTotal = [] {
    std::uint32_t t = 0;
    for (auto m : kMix)
        t += m.weight;
    return t;
}();

constexpr std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

} // namespace

SynthTrace::SynthTrace(const SynthOptions& opt) : opt_(opt), state_(splitmix(opt.seed)) {
    if (opt_.domains == 0) opt_.domains = 1;
    if (opt_.vcpus == 0) opt_.vcpus = 1;
    if (opt_.cpus == 0) opt_.cpus = 1;
    for (std::uint16_t c = 0; c < opt_.cpus; c++) {
        running_domain_.push_back(c % opt_.domains);
        running_vcpu_.push_back((c / opt_.domains) % opt_.vcpus);
    }
    // One action's records fit easily, so push() never reallocates and the
    // references it returns stay valid while an action is built.
    queue_.reserve(kMaxRecordBytes / 8);
}

std::uint64_t SynthTrace::rand() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
}

// Mostly near the base, a long tail of slow calls (contention, big batches).
std::uint64_t SynthTrace::latency(std::uint64_t base) {
    std::uint64_t ns = base / 2 + below(base);
    if (below(100) < 5) ns += below(base * 8);
    if (below(1000) == 0) ns += below(base * 100);
    return ns;
}

template <typename T>
T& SynthTrace::push(RecordType type, std::uint32_t tail) {
    std::uint32_t size = record_size_for(sizeof(T) + tail);
    queue_.resize((queue_bytes_ + size) / 8);
    auto rec = reinterpret_cast<T*>(reinterpret_cast<std::uint8_t*>(queue_.data()) + queue_bytes_);
    std::memset(static_cast<void*>(rec), 0, size);
    queue_bytes_ += size;
    rec->h.type = static_cast<std::uint16_t>(type);
    rec->h.size = size;
    rec->h.cpu = cpu_;
    rec->h.domain = running_domain_[cpu_];
    rec->h.vcpu = running_vcpu_[cpu_];
    rec->h.time_ns = now_ns_;
    return *rec;
}

void SynthTrace::snapshot(const std::function<void(const RecordHeader&)>& emit) {
    // The events must not depend on whether the snapshot was generated.
    const std::uint64_t saved = state_;
    std::vector<std::uint64_t> buf(record_size_for(sizeof(SnapPageTable) + 4096) / 8);
    auto header = [&](RecordType t, std::uint32_t size, std::uint16_t dom) -> RecordHeader& {
        std::memset(buf.data(), 0, size);
        auto& h = *reinterpret_cast<RecordHeader*>(buf.data());
        h.type = static_cast<std::uint16_t>(t);
        h.size = size;
        h.domain = dom;
        return h;
    };
    std::uint64_t mfn = 0x1000;
    for (std::uint16_t d = 0; d < opt_.domains; d++) {
        header(RecordType::SnapDomain, sizeof(SnapDomain), d);
        auto sd = reinterpret_cast<SnapDomain*>(buf.data());
        sd->max_vcpus = opt_.vcpus;
        sd->pages = d ? 4096 : 32768;
        emit(sd->h);
        for (unsigned level = 4; level >= 1; level--) {
            header(RecordType::SnapPageTable, sizeof(SnapPageTable) + 4096, d);
            auto pt = reinterpret_cast<SnapPageTable*>(buf.data());
            pt->mfn = mfn + level;
            pt->level = level;
            auto entries = reinterpret_cast<std::uint64_t*>(pt + 1);
            for (unsigned i = 0; i < 512; i += 1 + unsigned(below(8)))
                entries[i] = ((mfn + 16 + i) << 12) | 0x67;
            emit(pt->h);
        }
        for (unsigned i = 0; i < 256; i++) {
            header(RecordType::SnapFrame, sizeof(SnapFrame), d);
            auto f = reinterpret_cast<SnapFrame*>(buf.data());
            f->mfn = mfn + i;
            f->type = i < 4 ? std::uint8_t(4 - i) : std::uint8_t(PageType::Writable);
            f->type_count = 1;
            f->ref_count = 1 + unsigned(below(3));
            emit(f->h);
        }
        for (std::uint32_t port = 1; port <= 8; port++) {
            header(RecordType::SnapEventChannel, sizeof(SnapEventChannel), d);
            auto e = reinterpret_cast<SnapEventChannel*>(buf.data());
            e->port = port;
            e->state = 3; // interdomain
            e->remote_domain =
                d ? 0 : std::uint16_t(1 + port % (opt_.domains > 1 ? opt_.domains - 1 : 1));
            e->remote_port = port;
            emit(e->h);
        }
        mfn += 0x10000;
    }
    state_ = saved;
}

void SynthTrace::hypercall() {
    std::uint32_t pick = std::uint32_t(below(kMixTotal));
    const Mix* m = kMix;
    while (pick >= m->weight)
        pick -= m++->weight;
    const std::uint16_t dom = running_domain_[cpu_];
    auto& e = push<HypercallEntry>(RecordType::HypercallEntry);
    e.nr = m->nr;
    std::uint64_t lat = latency(m->base_ns);
    std::int64_t result = 0;
    switch (m->nr) {
    case 1: { // mmu_update: read the request array
        std::uint32_t count = 1 + std::uint32_t(below(below(4) ? 8 : 64));
        std::uint64_t va = 0xffff888000100000ull + below(1 << 20) * 16;
        e.args[0] = va;
        e.args[1] = count;
        e.args[3] = 0x7FF0; // DOMID_SELF
        auto& rd = push<HypercallRead>(RecordType::HypercallRead, count * 16);
        rd.guest_va = va;
        rd.bytes = count * 16;
        auto req = reinterpret_cast<std::uint64_t*>(&rd + 1);
        std::uint64_t table = 0x1000 + dom * 0x10000ull + below(256);
        for (std::uint32_t i = 0; i < count; i++) {
            req[2 * i] = (table << 12) | ((below(512) * 8));
            req[2 * i + 1] = ((0x1000 + dom * 0x10000ull + below(4096)) << 12) | 0x67;
        }
        lat += count * 40;
        if (below(500) == 0) result = -22; // EINVAL
        break;
    }
    case 26: { // mmuext_op: pins and unpins change page types
        e.args[0] = 0xffff888000200000ull + below(1 << 16) * 16;
        e.args[1] = 1;
        e.subop = std::uint32_t(below(4)); // PIN_L1..L4
        auto& pt = push<PageTypeChange>(RecordType::PageTypeChange);
        pt.mfn = 0x1000 + dom * 0x10000ull + below(4096);
        bool pin = below(2);
        pt.old_type = pin ? std::uint8_t(PageType::Writable) : std::uint8_t(1 + e.subop);
        pt.new_type = pin ? std::uint8_t(1 + e.subop) : std::uint8_t(PageType::Writable);
        pt.type_count = 1;
        break;
    }
    case 32: { // event_channel_op(EVTCHNOP_send): notify the peer
        e.subop = 4;
        e.args[0] = 4;
        e.args[1] = 0x7ffd0000 + below(256);
        auto& s = push<EventSend>(RecordType::EventSend);
        s.port = std::uint32_t(1 + below(8));
        s.remote_domain =
            dom ? 0 : std::uint16_t(1 + below(opt_.domains > 1 ? opt_.domains - 1 : 1));
        s.remote_port = s.port;
        std::uint16_t remote = s.remote_domain;
        auto& u = push<EventUpcall>(RecordType::EventUpcall);
        u.h.domain = remote;
        u.h.vcpu = std::uint16_t(below(opt_.vcpus));
        u.pending_sel = 1;
        break;
    }
    case 29: { // sched_op: yield or block, then another vCPU runs
        e.subop = below(3) ? 1 : 0;
        e.args[0] = e.subop;
        break;
    }
    case 15:
        e.args[0] = now_ns_ + 1'000'000 + below(10'000'000);
        break;
    default:
        e.args[0] = below(8);
        e.args[1] = 0xffff888000300000ull + below(1 << 20) * 8;
        if (below(200) == 0) result = -1; // EPERM
        break;
    }
    now_ns_ += lat;
    auto& x = push<HypercallExit>(RecordType::HypercallExit);
    x.nr = m->nr;
    x.subop = e.subop;
    x.result = result;
}

void SynthTrace::generate() {
    queue_bytes_ = queue_pos_ = 0;
    cpu_ = std::uint16_t(below(opt_.cpus));
    now_ns_ += 200 + below(3000);
    if (opt_.checkpoint_every && produced_ / opt_.checkpoint_every >= checkpoints_ + 1) {
        auto& c = push<Checkpoint>(RecordType::Checkpoint);
        c.h.domain = kDomainHypervisor;
        c.h.vcpu = 0;
        c.sequence = checkpoints_++;
        c.frame_table_hash = splitmix(produced_ ^ 0xF7A);
        c.evtchn_hash = splitmix(produced_ ^ 0xE7C);
        return;
    }
    std::uint64_t r = below(10000);
    if (r < 8600) return hypercall();
    if (r < 9300) {
        auto& b = push<ExceptionBounce>(RecordType::ExceptionBounce);
        b.vector = below(10) ? 14 : 13;
        b.has_error_code = 1;
        b.error_code = b.vector == 14 ? std::uint32_t(below(8)) : 0;
        b.rip = 0xffffffff81000000ull + below(1 << 22);
        b.cr2 = b.vector == 14 ? 0x00007f0000000000ull + below(1ull << 32) : 0;
        return;
    }
    if (r < 9990) {
        auto& s = push<Schedule>(RecordType::Schedule);
        s.prev_domain = running_domain_[cpu_];
        s.prev_vcpu = running_vcpu_[cpu_];
        s.reason = std::uint32_t(below(4));
        s.prev_ran_ns = below(30'000'000);
        running_domain_[cpu_] = std::uint16_t(below(opt_.domains));
        running_vcpu_[cpu_] = std::uint16_t(below(opt_.vcpus));
        s.h.domain = running_domain_[cpu_];
        s.h.vcpu = running_vcpu_[cpu_];
        return;
    }
    if (r < 9995) {
        auto& l = push<LostRecords>(RecordType::LostRecords);
        l.h.domain = kDomainHypervisor;
        l.count = 1 + below(500);
        l.first_lost_ns = now_ns_ - below(100000);
        return;
    }
    if (r < 9998) {
        auto& d = push<DomainEvent>(RecordType::DomainEvent);
        d.kind = std::uint32_t(below(2) ? DomainEventKind::Pause : DomainEventKind::Unpause);
        d.h.domain = std::uint16_t(below(opt_.domains));
        return;
    }
    auto& f = push<FaultInjected>(RecordType::FaultInjected);
    f.vector = 14;
    f.address = 0xffff82d080000000ull + below(1 << 20);
}

const RecordHeader* SynthTrace::next() {
    if (produced_ >= opt_.records) return nullptr;
    if (queue_pos_ >= queue_bytes_) generate();
    auto r = reinterpret_cast<const RecordHeader*>(
        reinterpret_cast<const std::uint8_t*>(queue_.data()) + queue_pos_);
    queue_pos_ += r->size;
    produced_++;
    return r;
}

Status write_synthetic(Writer& w, const SynthOptions& opt) {
    SynthTrace synth(opt);
    Status status;
    synth.snapshot([&](const RecordHeader& r) {
        if (status) status = w.add_snapshot(r);
    });
    if (!status) return status;
    while (const RecordHeader* r = synth.next())
        if (Status s = w.append(*r); !s) return s;
    return w.finish();
}

} // namespace glass::trace
