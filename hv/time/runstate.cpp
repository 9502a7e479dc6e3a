#include "hv/time/runstate.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/core/time/runstate.hpp"
#include "hv/domain/domain.hpp"
#include "hv/mm/guest_access.hpp"

namespace {
int runstate_of(const Vcpu* v) {
    // A vCPU of a paused or dead domain can run no more than an offline one.
    if (v->domain && v->domain->state != DomainState::running &&
        v->domain->state != DomainState::building)
        return xen::RUNSTATE_offline;
    switch (v->state) {
    case VcpuState::running:
        return xen::RUNSTATE_running;
    case VcpuState::runnable:
        return xen::RUNSTATE_runnable;
    case VcpuState::blocked:
        return xen::RUNSTATE_blocked;
    case VcpuState::offline:
        break;
    }
    return xen::RUNSTATE_offline;
}
} // namespace

void runstate_sync(Vcpu* v, u64 now) {
    int s = runstate_of(v);
    if (s != v->runstate.state) hvtime::runstate_change(v->runstate, s, now);
}

xen::RunstateInfo runstate_read(Vcpu* v) {
    u64 now = arch::now_ns();
    runstate_sync(v, now);
    return hvtime::runstate_snapshot(v->runstate, now);
}

void runstate_publish(Vcpu* v) {
    if (!v->runstate_guest_va) return;
    // The area shows the record as of its last state change, as Xen's does.
    (void)write_guest(v->runstate_guest_va, v->runstate);
}
