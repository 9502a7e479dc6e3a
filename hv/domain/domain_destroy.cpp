#include "hv/domain/domain_destroy.hpp"

#include "hv/inject/injector.hpp"

#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/core/evtchn/interdomain.hpp"
#include "hv/core/evtchn/virq.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/evtchn/evtchn.hpp"
#include "hv/inject/injector.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/mm/grant_map.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/mm/reservation.hpp"
#include "hv/mm/tlb.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/time/vcpu_timers.hpp"
#include "hv/trace/recorder.hpp"
#include "traces/record.hpp"

namespace {

bool runs_anywhere(const Domain* d) {
    for (unsigned id = 0; id < arch::nr_cpus_registered(); id++) {
        CpuInfo* ci = arch::cpu_by_id(id);
        if (ci && ci->current && ci->current->domain == d) return true;
    }
    return false;
}

// The domain is marked dying, so no CPU will pick its vCPUs again; CPUs
// still running one leave it at their next hypervisor entry (kicked). They
// need the hypervisor lock for that, so wait without holding it.
void wait_until_descheduled(Domain* d) {
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        vcpu_kick(&d->vcpus[i]);
    while (runs_anywhere(d)) {
        hv_lock_release();
        for (int i = 0; i < 1000; i++)
            __builtin_ia32_pause();
        hv_lock_acquire();
    }
}

void close_event_channels(Domain* d) {
    if (!d->evtchn) return;
    for (u32 port = 1; port < kEvtchnMaxPorts; port++) {
        if (!d->evtchn->in_use(port)) continue;
        EvtchnTable* peer = nullptr;
        u16 peer_id = d->evtchn->interdomain_peer(port);
        if (Domain* pd = peer_id != xen::DOMID_INVALID ? domain_lookup(peer_id) : nullptr)
            peer = pd->evtchn;
        // Cannot fail: the port is in use and its peer is the right table.
        (void)evtchn_close(*d->evtchn, *d->shared_info, port, peer);
    }
}

void release_vcpu_state(Domain* d) {
    auto& types = page_types();
    for (unsigned i = 0; i < d->nr_vcpus; i++) {
        Vcpu& v = d->vcpus[i];
        vcpu_timers_stop_all(&v);
        sched_remove_vcpu(&v);
        if (v.kernel_l4_mfn) types.put_base_pointer(v.kernel_l4_mfn);
        if (v.user_l4_mfn) types.put_base_pointer(v.user_l4_mfn);
        v.kernel_l4_mfn = v.user_l4_mfn = 0;
        for (unsigned f = 0; f < v.gdt_frame_count; f++)
            types.put_seg_desc_frame(v.gdt_frames[f]);
        v.gdt_frame_count = 0;
    }
}

// Gives every frame back. Frames something else still references (another
// domain's mapping of a ring page) are freed when that reference goes.
u64 release_memory(Domain* d) {
    page_types().unpin_all(d->mm); // devalidates the tables, dropping what they held
    DomainExtentOps ops(d);        // frees through the common release path
    u64 deferred = 0;
    for (u64 mfn = 0; mfn < frame_table().size(); mfn++) {
        if (frame_table()[mfn].owner != d->id) continue;
        if (!ops.remove(mfn).ok())
            deferred++;
        else if (frame_table()[mfn].owner == d->id)
            deferred++;
    }
    return deferred;
}

} // namespace

Status domain_destroy(Domain* d) {
    if (d->id == 0) return XEN_EPERM;
    if (d->state == DomainState::dying) return XEN_EBUSY;
    u16 id = d->id;
    d->state = DomainState::dying;
    trace::domain_event(id, static_cast<u32>(glass::trace::DomainEventKind::Destroy));
    wait_until_descheduled(d);
    injector_domain_gone(d);

    close_event_channels(d);
    release_vcpu_state(d);
    u64 deferred = release_memory(d);
    grant_domain_release(d);
    flush_domain_tlbs(d);
    if (d->shared_info_mfn) free_hv_frames(d->shared_info_mfn, 1);
    domain_release_struct(d);
    LOG_INFO("d%u destroyed (%lu frame(s) still referenced elsewhere); %lu frames free", id,
             deferred, hv_frames().free_frames());
    if (Domain* dom0 = domain_lookup(0)) evtchn_send_virq(dom0, VIRQ_DOM_EXC, 0);
    return {};
}
