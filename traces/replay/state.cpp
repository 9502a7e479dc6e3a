#include "traces/replay/state.hpp"

#include "hv/abi/event_channel.hpp"
#include "hv/core/trace/state_hash.hpp"
#include "traces/record.hpp"

#include <cstring>
#include <new>

namespace glass::replay {

namespace {

using trace::RecordType;

bool is_default_free(const mm::FrameInfo& f) {
    return f.owner == mm::kOwnerFree && f.shared_with == mm::kOwnerFree && f.ref_count == 0 &&
           f.type_count == 0 && f.type == mm::FrameType::None && f.flags == 0 &&
           f.linear_count == 0;
}

bool keeps_contents(const mm::FrameInfo& f) {
    return f.type_count != 0 && mm::is_validated_type(f.type);
}

// EVTCHNSTAT_* as SnapEventChannel records them -> the port table's state.
bool port_record(const trace::SnapEventChannel& e, PortRecord& out) {
    out = PortRecord{};
    out.notify_vcpu = e.notify_vcpu;
    out.remote_dom = e.remote_domain;
    switch (e.state) {
    case xen::EVTCHNSTAT_unbound:
        out.state = PortState::Unbound;
        return true;
    case xen::EVTCHNSTAT_interdomain:
        out.state = PortState::Interdomain;
        out.remote_port = static_cast<u16>(e.remote_port);
        return e.remote_port < kEvtchnMaxPorts;
    case xen::EVTCHNSTAT_virq:
        out.state = PortState::Virq;
        out.virq = static_cast<u8>(e.remote_port);
        out.remote_dom = 0;
        return e.remote_port < kNrVirqs;
    case xen::EVTCHNSTAT_ipi:
        out.state = PortState::Ipi;
        out.remote_dom = 0;
        return true;
    case xen::EVTCHNSTAT_pirq:
        out.state = PortState::Pirq;
        return true;
    default:
        return false;
    }
}

std::string at_record(u64 index) {
    return "snapshot record " + std::to_string(index) + ": ";
}

} // namespace

FrameMemory::FrameMemory(u64 nr_frames) : nr_frames_(nr_frames) {
    base_ = static_cast<u64*>(std::calloc(nr_frames ? nr_frames : 1, kPageSize));
    if (!base_) throw std::bad_alloc();
}

DomainState copy_domain(const DomainState& d) {
    DomainState c;
    c.id = d.id;
    c.privileged = d.privileged;
    c.pages = d.pages;
    c.run_state = d.run_state;
    c.mm = d.mm;
    c.vcpus = d.vcpus;
    if (d.evtchn) c.evtchn = std::make_unique<EvtchnTable>(*d.evtchn);
    if (d.shared) c.shared = std::make_unique<xen::SharedInfo>(*d.shared);
    return c;
}

void MachineState::allocate(u64 nr_frames) {
    memory_ = std::make_unique<FrameMemory>(nr_frames);
    info_.assign(nr_frames, mm::FrameInfo{});
    frames_ = std::make_unique<mm::FrameTable>(info_.data(), nr_frames);
    types_ = std::make_unique<mm::PageTypes>(*frames_, memory_->phys());
}

void MachineState::create(u64 nr_frames) {
    allocate(nr_frames);
    domains_.clear();
}

DomainState& MachineState::add_domain(u16 id, u32 vcpus, bool privileged) {
    DomainState s;
    s.id = id;
    s.privileged = privileged;
    s.mm.id = id;
    s.mm.io_mem_allowed = privileged;
    s.mm.cache_flush_permitted = privileged;
    s.vcpus.resize(vcpus);
    s.evtchn = std::make_unique<EvtchnTable>(id, vcpus);
    s.shared = std::make_unique<xen::SharedInfo>();
    return domains_.insert_or_assign(id, std::move(s)).first->second;
}

DomainState* MachineState::domain(u16 id) {
    auto it = domains_.find(id);
    return it == domains_.end() ? nullptr : &it->second;
}

const DomainState* MachineState::domain(u16 id) const {
    auto it = domains_.find(id);
    return it == domains_.end() ? nullptr : &it->second;
}

trace::Status MachineState::load_snapshot(trace::Reader& reader) {
    // Two passes: the machine's size first (SnapMachine, or the highest
    // frame named), then everything else into tables of that size.
    u64 nr_frames = 0;
    bool sized = false;
    {
        auto cur = trace::Cursor::snapshot(reader);
        while (const trace::RecordHeader* h = cur.next()) {
            if (auto m = trace::record_as<trace::SnapMachine>(h, RecordType::SnapMachine)) {
                nr_frames = m->nr_frames;
                sized = true;
            } else if (auto f = trace::record_as<trace::SnapFrame>(h, RecordType::SnapFrame)) {
                if (!sized && f->mfn + 1 > nr_frames) nr_frames = f->mfn + 1;
            } else if (auto p =
                           trace::record_as<trace::SnapPageTable>(h, RecordType::SnapPageTable)) {
                if (!sized && p->mfn + 1 > nr_frames) nr_frames = p->mfn + 1;
            }
        }
        if (!cur.status().ok()) return cur.status();
    }
    // 2^28 frames is a 1 TiB machine: beyond that the snapshot is corrupt.
    if (nr_frames > (1ull << 28))
        return trace::Status::fail(0, "snapshot names " + std::to_string(nr_frames) +
                                          " machine frames; at most 2^28 are supported");
    allocate(nr_frames);
    domains_.clear();

    std::vector<std::pair<u64, trace::SnapEventChannel>> ports;
    auto cur = trace::Cursor::snapshot(reader);
    u64 index = 0;
    while (const trace::RecordHeader* h = cur.next()) {
        u64 i = index++;
        switch (static_cast<RecordType>(h->type)) {
        case RecordType::SnapDomain: {
            auto d = reinterpret_cast<const trace::SnapDomain*>(h);
            if (d->max_vcpus == 0 || d->max_vcpus > kEvtchnMaxVcpus)
                return trace::Status::fail(0, at_record(i) + "domain " + std::to_string(h->domain) +
                                                  " has " + std::to_string(d->max_vcpus) +
                                                  " vCPUs");
            DomainState s;
            s.id = h->domain;
            s.pages = d->pages;
            s.run_state = d->state;
            bool has_flags = h->size >= sizeof(trace::SnapDomain);
            u32 flags = has_flags ? d->flags : 0;
            // 1.0 files carry no flags: domain 0 was the only privileged one.
            s.privileged = has_flags ? (flags & trace::kSnapDomainPrivileged) : h->domain == 0;
            s.mm.id = h->domain;
            s.mm.io_mem_allowed = has_flags ? (flags & trace::kSnapDomainIoMem) : s.privileged;
            s.mm.cache_flush_permitted =
                has_flags ? (flags & trace::kSnapDomainCacheFlush) : s.privileged;
            s.mm.nx_available = has_flags ? (flags & trace::kSnapDomainNx) != 0 : true;
            s.mm.paddr_bits = has_flags && d->paddr_bits ? d->paddr_bits : 46;
            s.vcpus.resize(d->max_vcpus);
            s.evtchn = std::make_unique<EvtchnTable>(h->domain, d->max_vcpus);
            s.shared = std::make_unique<xen::SharedInfo>();
            if (!domains_.emplace(h->domain, std::move(s)).second)
                return trace::Status::fail(0, at_record(i) + "domain " + std::to_string(h->domain) +
                                                  " listed twice");
            break;
        }
        case RecordType::SnapFrame: {
            auto f = reinterpret_cast<const trace::SnapFrame*>(h);
            if (f->mfn >= nr_frames)
                return trace::Status::fail(0, at_record(i) + "frame " + std::to_string(f->mfn) +
                                                  " beyond the machine's " +
                                                  std::to_string(nr_frames));
            mm::FrameInfo& fi = info_[f->mfn];
            fi.owner = h->domain;
            fi.type = static_cast<mm::FrameType>(f->type);
            fi.flags = f->flags;
            fi.linear_count = f->linear_count;
            fi.type_count = f->type_count;
            fi.ref_count = f->ref_count;
            // 1.0 files have zero here; the hypervisor's default is "nobody".
            fi.shared_with = reader.header().version_minor >= 1 ? f->shared_with : mm::kOwnerFree;
            break;
        }
        case RecordType::SnapPageTable: {
            auto p = reinterpret_cast<const trace::SnapPageTable*>(h);
            if (p->mfn >= nr_frames)
                return trace::Status::fail(0, at_record(i) + "page table " +
                                                  std::to_string(p->mfn) + " beyond the machine");
            std::memcpy(memory_->frame(p->mfn), p + 1, kPageSize);
            break;
        }
        case RecordType::SnapEventChannel:
            ports.emplace_back(i, *reinterpret_cast<const trace::SnapEventChannel*>(h));
            break;
        case RecordType::SnapVcpu: {
            auto v = reinterpret_cast<const trace::SnapVcpu*>(h);
            auto it = domains_.find(h->domain);
            if (it == domains_.end() || h->vcpu >= it->second.vcpus.size())
                return trace::Status::fail(0, at_record(i) + "vCPU " + std::to_string(h->vcpu) +
                                                  " of domain " + std::to_string(h->domain) +
                                                  " before or beyond its SnapDomain");
            VcpuState& vs = it->second.vcpus[h->vcpu];
            vs.kernel_l4_mfn = v->kernel_l4_mfn;
            vs.user_l4_mfn = v->user_l4_mfn;
            vs.kernel_mode = v->kernel_mode != 0;
            break;
        }
        default:
            break; // SnapMachine (read above) and types of newer versions
        }
    }
    if (!cur.status().ok()) return cur.status();
    for (auto& [i, e] : ports) {
        auto it = domains_.find(e.h.domain);
        if (it == domains_.end())
            return trace::Status::fail(0, at_record(i) + "event channel of domain " +
                                              std::to_string(e.h.domain) +
                                              ", which has no SnapDomain");
        if (e.port == 0 || e.state == xen::EVTCHNSTAT_closed) continue; // port 0 is reserved
        PortRecord r;
        if (!port_record(e, r) || !it->second.evtchn->restore(e.port, r).ok())
            return trace::Status::fail(0, at_record(i) + "event channel " + std::to_string(e.port) +
                                              " of domain " + std::to_string(e.h.domain) +
                                              " (state " + std::to_string(e.state) +
                                              ") cannot be restored");
    }
    return {};
}

u64 MachineState::frame_table_hash() const {
    return ::trace::frame_table_hash(*frames_, memory_->phys());
}

u64 MachineState::evtchn_hash() const {
    std::vector<const EvtchnTable*> tables;
    for (const auto& [id, d] : domains_)
        tables.push_back(d.evtchn.get());
    return ::trace::evtchn_hash(tables.data(), tables.size());
}

void MachineState::save(SavedState& out, const std::vector<mm::FrameInfo>* base) const {
    out.frames.clear();
    out.tables.clear();
    out.domains.clear();
    for (u64 m = 0; m < info_.size(); m++) {
        const mm::FrameInfo& f = info_[m];
        bool unchanged = base ? std::memcmp(&f, &(*base)[m], sizeof f) == 0 : is_default_free(f);
        if (!unchanged) out.frames.emplace_back(m, f);
        if (keeps_contents(f)) {
            const u64* p = memory_->frame(m);
            out.tables.emplace_back(m, std::vector<u64>(p, p + mm::kEntriesPerTable));
        }
    }
    for (const auto& [id, d] : domains_)
        out.domains.push_back(copy_domain(d));
}

void MachineState::restore(const SavedState& in, const std::vector<mm::FrameInfo>* base) {
    if (base) {
        std::memcpy(info_.data(), base->data(), info_.size() * sizeof(mm::FrameInfo));
    } else {
        for (auto& f : info_)
            if (!is_default_free(f)) {
                f = mm::FrameInfo{};
                f.owner = mm::kOwnerFree;
                f.shared_with = mm::kOwnerFree;
            }
    }
    for (const auto& [m, f] : in.frames)
        info_[m] = f;
    for (const auto& [m, t] : in.tables)
        std::memcpy(memory_->frame(m), t.data(), kPageSize);
    domains_.clear();
    for (const auto& d : in.domains)
        domains_.emplace(d.id, copy_domain(d));
    (void)types_->take_flush_request();
}

} // namespace glass::replay
