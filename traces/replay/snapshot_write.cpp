#include "traces/replay/snapshot_write.hpp"

#include "hv/abi/event_channel.hpp"

#include <cstring>
#include <vector>

namespace glass::replay {

namespace {

using trace::RecordType;

trace::RecordHeader header(RecordType type, u32 size, u16 domain, u16 vcpu = 0) {
    trace::RecordHeader h{};
    h.type = static_cast<u16>(type);
    h.size = trace::record_size_for(size);
    h.domain = domain;
    h.vcpu = vcpu;
    return h;
}

u8 evtchnstat(PortState s) {
    switch (s) {
    case PortState::Unbound:
        return xen::EVTCHNSTAT_unbound;
    case PortState::Interdomain:
        return xen::EVTCHNSTAT_interdomain;
    case PortState::Virq:
        return xen::EVTCHNSTAT_virq;
    case PortState::Ipi:
        return xen::EVTCHNSTAT_ipi;
    case PortState::Pirq:
        return xen::EVTCHNSTAT_pirq;
    default:
        return xen::EVTCHNSTAT_closed;
    }
}

} // namespace

void write_snapshot(const MachineState& m,
                    const std::function<void(const trace::RecordHeader&)>& emit) {
    trace::SnapMachine sm{};
    sm.h = header(RecordType::SnapMachine, sizeof sm, trace::kDomainHypervisor);
    sm.nr_frames = m.memory().nr_frames();
    emit(sm.h);
    for (const auto& [id, d] : m.domains()) {
        trace::SnapDomain sd{};
        sd.h = header(RecordType::SnapDomain, sizeof sd, id);
        sd.max_vcpus = static_cast<u32>(d.vcpus.size());
        sd.state = d.run_state;
        sd.pages = d.pages;
        sd.flags = (d.privileged ? trace::kSnapDomainPrivileged : 0) |
                   (d.mm.io_mem_allowed ? trace::kSnapDomainIoMem : 0) |
                   (d.mm.cache_flush_permitted ? trace::kSnapDomainCacheFlush : 0) |
                   (d.mm.nx_available ? trace::kSnapDomainNx : 0);
        sd.paddr_bits = d.mm.paddr_bits;
        emit(sd.h);
        for (u32 v = 0; v < d.vcpus.size(); v++) {
            trace::SnapVcpu sv{};
            sv.h = header(RecordType::SnapVcpu, sizeof sv, id, static_cast<u16>(v));
            sv.kernel_l4_mfn = d.vcpus[v].kernel_l4_mfn;
            sv.user_l4_mfn = d.vcpus[v].user_l4_mfn;
            sv.kernel_mode = d.vcpus[v].kernel_mode;
            emit(sv.h);
        }
    }
    std::vector<u64> buf(trace::record_size_for(sizeof(trace::SnapPageTable) + kPageSize) / 8);
    const auto& info = m.info();
    for (u64 mfn = 0; mfn < info.size(); mfn++) {
        const mm::FrameInfo& f = info[mfn];
        bool free_default = f.owner == mm::kOwnerFree && f.ref_count == 0 && f.type_count == 0 &&
                            f.flags == 0 && f.type == mm::FrameType::None && f.linear_count == 0 &&
                            f.shared_with == mm::kOwnerFree;
        if (free_default) continue;
        trace::SnapFrame sf{};
        sf.h = header(RecordType::SnapFrame, sizeof sf, f.owner);
        sf.mfn = mfn;
        sf.type = static_cast<u8>(f.type);
        sf.flags = f.flags;
        sf.linear_count = f.linear_count;
        sf.type_count = f.type_count;
        sf.ref_count = f.ref_count;
        sf.shared_with = f.shared_with;
        emit(sf.h);
        if (f.type_count != 0 && mm::is_validated_type(f.type)) {
            auto* pt = reinterpret_cast<trace::SnapPageTable*>(buf.data());
            std::memset(buf.data(), 0, buf.size() * 8);
            pt->h = header(RecordType::SnapPageTable, sizeof *pt + kPageSize, f.owner);
            pt->mfn = mfn;
            pt->level = static_cast<u32>(f.type);
            std::memcpy(pt + 1, m.memory().frame(mfn), kPageSize);
            emit(pt->h);
        }
    }
    for (const auto& [id, d] : m.domains()) {
        for (u32 p = 0; p < kEvtchnMaxPorts; p++) {
            const PortRecord& r = d.evtchn->record(p);
            if (r.state == PortState::Free) continue;
            trace::SnapEventChannel se{};
            se.h = header(RecordType::SnapEventChannel, sizeof se, id);
            se.port = p;
            se.state = evtchnstat(r.state);
            se.remote_domain = r.remote_dom;
            se.notify_vcpu = r.notify_vcpu;
            se.remote_port = r.state == PortState::Virq ? r.virq : r.remote_port;
            emit(se.h);
        }
    }
}

} // namespace glass::replay
