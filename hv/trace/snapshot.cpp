#include "hv/trace/snapshot.hpp"

#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/core/evtchn/port_table.hpp"
#include "hv/core/mm/page_types.hpp"
#include "hv/core/trace/state_hash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/trace/rings.hpp"

using namespace glass::trace;

namespace trace {

namespace {

class SnapshotWriter {
  public:
    explicit SnapshotWriter(u64 timeout_ns) : deadline_(arch::now_ns() + timeout_ns) {}

    // Waits for room, then appends; false once the host has not made room
    // in time (the rest of the snapshot is then abandoned).
    bool put(const void* rec, u32 bytes, const void* tail = nullptr, u32 tail_bytes = 0) {
        if (failed_) return false;
        u32 size = static_cast<const RecordHeader*>(rec)->size;
        while (this_ring().room() < size) {
            if (arch::now_ns() > deadline_) {
                failed_ = true;
                return false;
            }
            arch::pause();
        }
        if (!this_ring().write(rec, bytes, tail, tail_bytes, arch::now_ns())) {
            failed_ = true;
            return false;
        }
        count_++;
        return true;
    }
    bool failed() const { return failed_; }
    i64 count() const { return count_; }

  private:
    u64 deadline_;
    bool failed_ = false;
    i64 count_ = 0;
};

u32 snap_state(const Domain& d) {
    switch (d.state) {
    case DomainState::shutdown:
    case DomainState::crashed:
    case DomainState::dying:
        return 2;
    default:
        return d.pause_count ? 1 : 0;
    }
}

u8 evtchn_status(PortState s) {
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

// All snapshot records carry the same time: the instant of the snapshot.
void snap_header(RecordHeader& h, RecordType t, u32 bytes, u16 dom, u64 now) {
    fill_header(h, t, bytes, dom, 0);
    h.time_ns = now;
}

void snap_domains(SnapshotWriter& w, u64 now) {
    unsigned max = 0;
    Domain* const* reg = domain_registry(max);
    for (unsigned id = 0; id < max; id++) {
        const Domain* d = reg[id];
        if (!d) continue;
        SnapDomain s{};
        snap_header(s.h, RecordType::SnapDomain, sizeof s, d->id, now);
        s.max_vcpus = d->nr_vcpus;
        s.state = snap_state(*d);
        s.pages = d->nr_pages;
        s.flags = (d->privileged ? kSnapDomainPrivileged : 0) |
                  (d->mm.io_mem_allowed ? kSnapDomainIoMem : 0) |
                  (d->mm.cache_flush_permitted ? kSnapDomainCacheFlush : 0) |
                  (d->mm.nx_available ? kSnapDomainNx : 0);
        s.paddr_bits = d->mm.paddr_bits;
        w.put(&s, sizeof s);
        for (unsigned i = 0; i < d->nr_vcpus; i++) {
            const Vcpu& v = d->vcpus[i];
            SnapVcpu sv{};
            snap_header(sv.h, RecordType::SnapVcpu, sizeof sv, d->id, now);
            sv.h.vcpu = static_cast<u16>(i);
            sv.kernel_l4_mfn = v.kernel_l4_mfn;
            sv.user_l4_mfn = v.user_l4_mfn;
            sv.kernel_mode = v.kernel_mode;
            w.put(&sv, sizeof sv);
        }
    }
}

void snap_machine(SnapshotWriter& w, u64 now) {
    SnapMachine m{};
    snap_header(m.h, RecordType::SnapMachine, sizeof m, kDomainHypervisor, now);
    m.nr_frames = frame_table().size();
    w.put(&m, sizeof m);
}

void snap_frames(SnapshotWriter& w, u64 now) {
    const mm::FrameTable& ft = frame_table();
    // What FrameTable gives every frame it does not track (frame_table.cpp).
    mm::FrameInfo free_default{};
    free_default.owner = free_default.shared_with = mm::kOwnerFree;
    for (u64 mfn = 0; mfn < ft.size() && !w.failed(); mfn++) {
        const mm::FrameInfo& f = ft[mfn];
        if (!memcmp(&f, &free_default, sizeof f)) continue;
        SnapFrame s{};
        snap_header(s.h, RecordType::SnapFrame, sizeof s, f.owner, now);
        s.mfn = mfn;
        s.type = static_cast<u8>(f.type);
        s.flags = f.flags;
        s.shared_with = f.shared_with;
        s.type_count = f.type_count;
        s.ref_count = f.ref_count;
        s.linear_count = f.linear_count;
        w.put(&s, sizeof s);
        bool table =
            f.type_count && mm::is_validated_type(f.type) && (f.flags & mm::kFrameValidated);
        if (!table) continue;
        SnapPageTable t{};
        snap_header(t.h, RecordType::SnapPageTable, sizeof t + 512 * 8, f.owner, now);
        t.mfn = mfn;
        t.level = static_cast<u32>(f.type);
        w.put(&t, sizeof t, arch::phys_to_virt<u64>(mfn << kPageShift), 512 * 8);
    }
}

void snap_event_channels(SnapshotWriter& w, u64 now) {
    unsigned max = 0;
    Domain* const* reg = domain_registry(max);
    for (unsigned id = 0; id < max && !w.failed(); id++) {
        const Domain* d = reg[id];
        if (!d || !d->evtchn) continue;
        const EvtchnTable& t = *d->evtchn;
        for (u32 port = 0; port < kEvtchnMaxPorts && !w.failed(); port++) {
            const PortRecord& r = t.record(port);
            if (r.state == PortState::Free) continue;
            SnapEventChannel s{};
            snap_header(s.h, RecordType::SnapEventChannel, sizeof s, d->id, now);
            s.port = port;
            s.state = evtchn_status(r.state);
            if (d->shared_info) {
                u64 bit = 1ull << (port % 64);
                s.pending = (d->shared_info->evtchn_pending[port / 64] & bit) != 0;
                s.masked = (d->shared_info->evtchn_mask[port / 64] & bit) != 0;
            }
            s.remote_domain = r.remote_dom;
            s.notify_vcpu = r.notify_vcpu;
            s.remote_port = r.state == PortState::Virq ? r.virq : r.remote_port;
            w.put(&s, sizeof s);
        }
    }
}

} // namespace

i64 write_snapshot(u64 timeout_ns) {
    SnapshotWriter w(timeout_ns);
    u64 now = arch::now_ns();
    snap_machine(w, now);
    snap_domains(w, now);
    snap_frames(w, now);
    snap_event_channels(w, now);
    return w.failed() ? -1 : w.count();
}

} // namespace trace
