#include "hv/evtchn/evtchn.hpp"

#include "hv/core/evtchn/pending.hpp"
#include "hv/core/evtchn/port_table.hpp"
#include "hv/domain/domain.hpp"
#include "hv/inject/injector.hpp"
#include "hv/sched/schedule.hpp"

#include <new>

void evtchn_init_domain(Domain* d) {
    d->evtchn = new (d->evtchn_storage) EvtchnTable(d->id, d->nr_vcpus);
}

bool evtchn_port_in_use(const Domain* d, u32 port) {
    return d->evtchn && EvtchnTable::is_valid(port) && d->evtchn->in_use(port);
}

void evtchn_raise(Domain* d, u32 port) {
    if (!d->evtchn || !d->shared_info) return;
    if (injector_notification(d, port)) return; // dropped or delayed on purpose (issue 11)
    u32 vcpu = d->evtchn->notify_vcpu(port);
    if (vcpu >= d->nr_vcpus) return;
    Vcpu* v = &d->vcpus[vcpu];
    if (!v->vcpu_info) return;
    RaiseResult r = evtchn_set_pending(*d->shared_info, *v->vcpu_info, port);
    if (r.newly_pending) {
        // SCHEDOP_poll sleepers of this domain re-check their ports.
        for (unsigned i = 0; i < d->nr_vcpus; i++)
            if (d->vcpus[i].polling) vcpu_wake(&d->vcpus[i]);
    }
    if (!r.upcall_raised) return;
    if (v->state == VcpuState::blocked)
        vcpu_wake(v);
    else
        vcpu_kick(v); // running elsewhere: make it enter the hypervisor to take the upcall
}

void evtchn_send_virq(Domain* d, u32 virq, u32 vcpu) {
    if (!d->evtchn) return;
    VirqTarget t = d->evtchn->virq_target(virq, vcpu);
    if (t.port) evtchn_raise(d, t.port);
}
