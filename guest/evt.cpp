#include "guest/evt.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"
#include "hv/abi/xen.hpp"

extern "C" void guest_event_entry();

namespace guest {
namespace {

EvtHandler g_handlers[kEvtMaxPorts];
u64 g_upcalls = 0;

volatile xen::VcpuInfo& vcpu0() {
    return shared_info()->vcpu_info[0];
}

void barrier() {
    asm volatile("" ::: "memory");
}

} // namespace

long evt_init() {
    xen::SharedInfo* s = shared_info();
    if (!s) return -XEN_EINVAL;
    for (u64& word : s->evtchn_mask)
        __atomic_store_n(&word, ~0ull, __ATOMIC_SEQ_CST);
    xen::CallbackRegister reg{xen::CALLBACKTYPE_event, 0, 0,
                              reinterpret_cast<u64>(&guest_event_entry)};
    return hypercall2<xen::HC_callback_op>(xen::CALLBACKOP_register, reinterpret_cast<u64>(&reg));
}

void evt_bind(u32 port, EvtHandler handler) {
    if (port >= kEvtMaxPorts) return;
    g_handlers[port] = handler;
    xen::EvtchnPort op{port};
    (void)event_channel_op(xen::EVTCHNOP_unmask, &op);
}

void evt_disable() {
    vcpu0().evtchn_upcall_mask = 1;
    barrier();
}

void evt_enable() {
    barrier();
    vcpu0().evtchn_upcall_mask = 0;
    barrier();
    // Something became pending while we were masked: the hypervisor only
    // delivers on its way back to us, so make a cheap trip (as Linux's
    // xen_force_evtchn_callback does).
    if (vcpu0().evtchn_upcall_pending) (void)hypercall2<xen::HC_xen_version>(0, 0);
}

void evt_wait_for(const volatile bool* flag) {
    for (;;) {
        evt_disable();
        if (*flag) break;
        // Block clears the mask and returns at once if an event is already
        // pending, so a wake-up between the check and here is not lost.
        (void)sched_op(xen::SCHEDOP_block, nullptr);
    }
    evt_enable();
}

long evt_alloc_unbound(u16 remote) {
    xen::EvtchnAllocUnbound op{xen::DOMID_SELF, remote, 0};
    long rc = event_channel_op(xen::EVTCHNOP_alloc_unbound, &op);
    return rc ? rc : static_cast<long>(op.port);
}

long evt_bind_interdomain(u16 remote, u32 remote_port) {
    xen::EvtchnBindInterdomain op{remote, 0, remote_port, 0};
    long rc = event_channel_op(xen::EVTCHNOP_bind_interdomain, &op);
    return rc ? rc : static_cast<long>(op.local_port);
}

long evt_bind_virq(u32 virq) {
    xen::EvtchnBindVirq op{virq, 0, 0};
    long rc = event_channel_op(xen::EVTCHNOP_bind_virq, &op);
    return rc ? rc : static_cast<long>(op.port);
}

void evt_send(u32 port) {
    xen::EvtchnPort op{port};
    (void)event_channel_op(xen::EVTCHNOP_send, &op);
}

u64 evt_upcalls() {
    return g_upcalls;
}

} // namespace guest

// Called by evt.S with events masked. Clearing upcall_pending before the
// scan (and re-checking after) means an event raised mid-scan either is
// seen by this scan or sets upcall_pending again.
extern "C" void guest_event_dispatch() {
    using namespace guest;
    xen::SharedInfo* s = shared_info();
    volatile xen::VcpuInfo& v = s->vcpu_info[0];
    g_upcalls++;
    while (v.evtchn_upcall_pending) {
        v.evtchn_upcall_pending = 0;
        u64 sel = __atomic_exchange_n(&s->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        while (sel) {
            unsigned w = static_cast<unsigned>(__builtin_ctzll(sel));
            sel &= sel - 1;
            u64 bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                       ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST);
            while (bits) {
                unsigned b = static_cast<unsigned>(__builtin_ctzll(bits));
                bits &= bits - 1;
                u32 port = w * 64 + b;
                __atomic_fetch_and(&s->evtchn_pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
                if (port < kEvtMaxPorts && g_handlers[port]) g_handlers[port](port);
            }
        }
    }
}
