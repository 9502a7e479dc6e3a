#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/bench.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/evt.hpp"
#include "guest/evt_tests.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"

namespace guest {
namespace {

constexpr u32 kMaxRemotePort = 64;
constexpr u64 kFindTimeoutNs = 5000000000ull; // the peer may start late

volatile bool g_echo = false;
volatile bool g_pong_done = false;
u32 g_pong_port = 0;
u32 g_pong_rounds = 0;
volatile u32 g_pong_count = 0;

void pong_handler(u32 port) {
    evt_send(port); // answer from the upcall itself: no extra scheduling
    g_pong_count = g_pong_count + 1;
    if (g_pong_count == g_pong_rounds) g_pong_done = true;
}

void ping_handler(u32) {
    g_echo = true;
}

bool fail(const char* who, const char* what, long rc) {
    printk("Glasshouse %s: FAILED: %s (%ld)\n", who, what, rc);
    return false;
}

long find_offered_port(u16 peer) {
    u64 deadline = system_time_ns() + kFindTimeoutNs;
    while (system_time_ns() < deadline) {
        for (u32 p = 1; p < kMaxRemotePort; p++) {
            long local = evt_bind_interdomain(peer, p);
            if (local >= 0) return local;
        }
        (void)sched_op(xen::SCHEDOP_yield, nullptr);
    }
    return -1;
}

} // namespace

bool run_pong(u16 peer, u32 rounds) {
    if (long rc = evt_init()) return fail("pong", "evt_init", rc);
    long port = evt_alloc_unbound(peer);
    if (port < 0) return fail("pong", "alloc_unbound", port);
    g_pong_port = static_cast<u32>(port);
    g_pong_rounds = rounds;
    printk("Glasshouse pong: port %ld offered to d%u\n", port, peer);
    evt_bind(g_pong_port, pong_handler);
    evt_wait_for(&g_pong_done);
    printk("Glasshouse pong: answered %u events, %lu upcalls\n", g_pong_count, evt_upcalls());
    return true;
}

// Sleeps until `deadline` (a poll timeout on `port`, which stays quiet
// meanwhile: pong only answers) and returns how late, in ns, we run again.
u64 think(u32 port, u64 deadline) {
    xen::SchedPoll poll{reinterpret_cast<u64>(&port), 1, 0, deadline};
    while (system_time_ns() < deadline)
        (void)sched_op(xen::SCHEDOP_poll, &poll);
    return system_time_ns() - deadline;
}

bool run_ping(u16 peer, u32 rounds, u32 think_us) {
    if (long rc = evt_init()) return fail("ping", "evt_init", rc);
    long port = find_offered_port(peer);
    if (port < 0) return fail("ping", "no port offered by the peer", port);
    printk("Glasshouse ping: bound local port %ld to d%u\n", port, peer);
    evt_bind(static_cast<u32>(port), ping_handler);
    evt_enable();
    u64 min = ~0ull, max = 0, sum = 0, late_sum = 0, late_max = 0;
    u64 start_ns = system_time_ns();
    for (u32 i = 0; i < rounds; i++) {
        if (think_us) {
            u64 late = think(static_cast<u32>(port), system_time_ns() + u64{think_us} * 1000);
            late_sum += late;
            late_max = late > late_max ? late : late_max;
        }
        g_echo = false;
        u64 t0 = rdtsc_cycles();
        evt_send(static_cast<u32>(port));
        evt_wait_for(&g_echo);
        u64 dt = rdtsc_cycles() - t0;
        sum += dt;
        min = dt < min ? dt : min;
        max = dt > max ? dt : max;
    }
    u64 elapsed_ns = system_time_ns() - start_ns;
    u64 avg = sum / rounds;
    printk("Glasshouse ping: %u round trips to d%u in %lu us: avg %lu us (%lu cycles), "
           "min %lu us, max %lu us, %lu round trips/s\n",
           rounds, peer, elapsed_ns / 1000, cycles_to_ns(avg) / 1000, avg, cycles_to_ns(min) / 1000,
           cycles_to_ns(max) / 1000, elapsed_ns ? u64{rounds} * 1000000000 / elapsed_ns : 0);
    if (think_us)
        printk("Glasshouse ping: after %u us of thinking woke %lu us late on average, %lu us at "
               "most\n",
               think_us, late_sum / rounds / 1000, late_max / 1000);
    printk("Glasshouse bench: event send-and-deliver between domains (half a round trip): %lu "
           "cycles\n",
           avg / 2);
    return true;
}

} // namespace guest
