#include "guest/timer.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/abi/vcpu.hpp"
#include "hv/core/evtchn/virq.hpp"

namespace guest {
namespace {

constexpr u64 kDelayNs = 10000000; // 10 ms
// TCG may run us late, never early: accept 10 ms up to 10 ms + 500 ms.
constexpr u64 kSlackNs = 500000000;

long vcpu_op(int cmd, unsigned vcpu, const void* arg) {
    return hypercall3<xen::HC_vcpu_op>(static_cast<u64>(cmd), vcpu, reinterpret_cast<u64>(arg));
}

bool port_pending(u32 port) {
    volatile u64* word = &shared_info()->evtchn_pending[port / 64];
    return (*word >> (port % 64)) & 1;
}

bool fail(const char* what, long rc) {
    printk("Glasshouse guest: timer FAILED: %s (%ld)\n", what, rc);
    return false;
}

} // namespace

bool run_timer_test() {
    if (!shared_info()) return fail("no shared_info", 0);
    xen::EvtchnBindVirq bind{};
    bind.virq = VIRQ_TIMER;
    bind.vcpu = 0;
    long rc = event_channel_op(xen::EVTCHNOP_bind_virq, &bind);
    if (rc < 0) return fail("bind_virq", rc);
    u32 port = bind.port;
    // The default 100 Hz tick would also raise the port: stop it first.
    rc = vcpu_op(xen::VCPUOP_stop_periodic_timer, 0, nullptr);
    if (rc < 0) return fail("stop_periodic_timer", rc);
    shared_info()->evtchn_pending[port / 64] &= ~(1ull << (port % 64));

    u64 start = system_time_ns();
    xen::SetSingleshotTimer past{start - 1, xen::VCPU_SSHOTTMR_future, 0};
    rc = vcpu_op(xen::VCPUOP_set_singleshot_timer, 0, &past);
    if (rc != -XEN_ETIME) return fail("past deadline with VCPU_SSHOTTMR_future not -ETIME", rc);

    xen::SetSingleshotTimer shot{start + kDelayNs, xen::VCPU_SSHOTTMR_future, 0};
    rc = vcpu_op(xen::VCPUOP_set_singleshot_timer, 0, &shot);
    if (rc < 0) return fail("set_singleshot_timer", rc);
    // Events stay masked: SCHEDOP_poll sleeps until the port is pending.
    xen::SchedPoll poll{reinterpret_cast<u64>(&port), 1, 0, 0};
    rc = sched_op(xen::SCHEDOP_poll, &poll);
    if (rc < 0) return fail("poll", rc);
    u64 end = system_time_ns();
    if (!port_pending(port)) return fail("poll returned without VIRQ_TIMER pending", 0);
    u64 elapsed = end - start;
    if (elapsed < kDelayNs || elapsed > kDelayNs + kSlackNs)
        return fail("elapsed time out of range (ns)", static_cast<long>(elapsed));

    xen::RunstateInfo rs{};
    rc = vcpu_op(xen::VCPUOP_get_runstate_info, 0, &rs);
    if (rc < 0 || rs.state != xen::RUNSTATE_running) return fail("get_runstate_info", rc);
    const volatile xen::SharedInfo* si = shared_info();
    u64 wc = (static_cast<u64>(si->wc_sec_hi) << 32) | si->wc_sec;
    printk("Glasshouse guest: timer ok: VIRQ_TIMER on port %u after %lu us; running %lu us, "
           "blocked %lu us; wall clock %lu s at boot\n",
           port, elapsed / 1000, rs.time[xen::RUNSTATE_running] / 1000,
           rs.time[xen::RUNSTATE_blocked] / 1000, wc);
    return true;
}

} // namespace guest
