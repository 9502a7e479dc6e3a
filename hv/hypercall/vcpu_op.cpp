// vcpu_op (docs/pv-abi.md §3.4.16): state queries for now; bringing up
// secondary vCPUs (initialise/up/down) comes with SMP support.
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"

namespace {
constexpr int VCPUOP_is_up = 3;
}

i64 hc_vcpu_op(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    u64 id = static_cast<u32>(a.a[1]);
    Domain* d = v->domain;
    if (id >= d->nr_vcpus) return hc_error(XEN_ENOENT);
    switch (cmd) {
    case VCPUOP_is_up:
        return d->vcpus[id].state != VcpuState::offline ? 1 : 0;
    default:
        return hc_error(XEN_ENOSYS);
    }
}
