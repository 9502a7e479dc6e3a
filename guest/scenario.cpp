#include "guest/scenario.hpp"

#include "guest/balloon/control.hpp"
#include "guest/blk/backend.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/console_relay.hpp"
#include "guest/toolstack.hpp"
#include "hv/abi/errno.hpp"

namespace guest {
namespace {

constexpr u64 kMs = 1'000'000;
constexpr u64 kBalloonPages = 1024; // 4 MiB
constexpr u64 kPauseNs = 100 * kMs;
constexpr u64 kSettleNs = 20 * kMs; // requests already queued when paused complete
constexpr u64 kStepTimeoutNs = 20'000 * kMs;

struct Run {
    const u16* ids;
    bool* live;
    unsigned n;
    u32 port;
    unsigned failures = 0;
};

void check(Run& r, bool ok, const char* what) {
    if (!ok) r.failures++;
    printk("Glasshouse scenario: %s: %s\n", what, ok ? "ok" : "FAILED");
}

void reap(Run& r) {
    for (unsigned i = 0; i < r.n; i++)
        if (r.live[i] && reap_if_exited(r.ids[i]) >= 0) r.live[i] = false;
}

// Serves block I/O and reaps exited domUs for `ns`.
void run_for(Run& r, u64 ns) {
    u64 deadline = system_time_ns() + ns;
    while (system_time_ns() < deadline) {
        u32 cons[8];
        u32 nc = console_relay_ports(cons, 8);
        if (blk::blkback_wait_until(r.port, deadline, cons, nc)) reap(r);
        console_relay_pump();
    }
    reap(r);
}

template <typename Cond>
bool run_until(Run& r, Cond cond, u64 timeout_ns) {
    u64 deadline = system_time_ns() + timeout_ns;
    while (!cond()) {
        if (system_time_ns() >= deadline) return false;
        run_for(r, 5 * kMs);
    }
    return true;
}

bool info(u16 domid, xen::DomctlInfo& out) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_getdomaininfo;
    op.domain = domid;
    if (domctl(op) || op.domain != domid) return false;
    out = op.u.info;
    return true;
}

long simple_op(u32 cmd, u16 domid) {
    xen::Domctl op{};
    op.cmd = cmd;
    op.domain = domid;
    return domctl(op);
}

long set_max_mem(u16 domid, u64 pages) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_max_mem;
    op.domain = domid;
    op.u.max_mem.max_pages = pages;
    return domctl(op);
}

void pause_step(Run& r, u16 d) {
    bool started = run_until(
        r, [&] { return blk::blkback_requests(d) >= 200; }, kStepTimeoutNs);
    check(r, started, "second domU is doing block I/O");
    if (!started) return;
    long rc = simple_op(xen::DOMCTL_pausedomain, d);
    run_for(r, kSettleNs);
    xen::DomctlInfo a{}, b{};
    u64 req_a = blk::blkback_requests(d);
    bool ok = info(d, a);
    run_for(r, kPauseNs);
    u64 req_b = blk::blkback_requests(d);
    ok = ok && info(d, b);
    rc = rc ? rc : simple_op(xen::DOMCTL_unpausedomain, d);
    bool resumed = run_until(
        r, [&] { return blk::blkback_requests(d) > req_b; }, kStepTimeoutNs);
    printk("Glasshouse scenario: d%u paused for %lu ms: +%lu requests, +%lu us of CPU (pause "
           "count %u); after unpause: %lu requests\n",
           d, kPauseNs / kMs, req_b - req_a, (b.cpu_time_ns - a.cpu_time_ns) / 1000, b.pause_count,
           blk::blkback_requests(d) - req_b);
    check(r, rc == 0 && ok && req_a == req_b && a.cpu_time_ns == b.cpu_time_ns,
          "a paused domU makes no progress");
    check(r, resumed, "its progress resumes after unpause");
}

void crash_step(Run& r, unsigned crasher) {
    bool gone = run_until(
        r, [&] { return !r.live[crasher]; }, kStepTimeoutNs);
    unsigned others = 0;
    for (unsigned i = 0; i < r.n; i++)
        others += i != crasher && r.live[i];
    check(r, gone && others == r.n - 1, "the crashed domU is reported, the others still run");
}

void balloon_step(Run& r, u16 giver, u16 taker) {
    const u16 both[] = {giver, taker};
    for (u16 d : both)
        if (long rc = balloon::balloon_attach(d, domu_store_mfn(d)))
            printk("Glasshouse scenario: d%u: store page not mapped (%ld)\n", d, rc);
    bool ready = run_until(
        r, [&] { return balloon::balloon_ready(giver) && balloon::balloon_ready(taker); },
        kStepTimeoutNs);
    check(r, ready, "both balloon drivers are ready");
    if (!ready) return;
    xen::DomctlInfo g0{}, t0{};
    info(giver, g0);
    info(taker, t0);
    // The taker runs ballooned down by 4 MiB first (as a Xen domU started
    // with memory below maxmem would), so it has room to grow into.
    long t1 = balloon::balloon_set_target(taker, t0.nr_pages - kBalloonPages, kStepTimeoutNs);
    long mrc = t1 > 0 ? set_max_mem(taker, static_cast<u64>(t1)) : t1;
    check(r, t1 == static_cast<long>(t0.nr_pages - kBalloonPages) && mrc == 0,
          "the second domU balloons down by 4 MiB");
    xen::DomctlCensus c0{}, c1{};
    xen::DomctlInfo g1{}, ta{}, g2{}, t2{};
    scenario_census(c0);
    info(taker, ta);
    // The move: the giver returns 4 MiB and may not take it back, the
    // taker may now grow by 4 MiB and does.
    long g = balloon::balloon_set_target(giver, g0.nr_pages - kBalloonPages, kStepTimeoutNs);
    long rc1 = set_max_mem(giver, g0.nr_pages - kBalloonPages);
    info(giver, g1);
    long rc2 = set_max_mem(taker, ta.nr_pages + kBalloonPages);
    long t = balloon::balloon_set_target(taker, ta.nr_pages + kBalloonPages, kStepTimeoutNs);
    info(giver, g2);
    info(taker, t2);
    scenario_census(c1);
    printk("Glasshouse scenario: balloon: d%u %lu -> %lu pages (reported %ld), d%u %lu -> %lu "
           "pages (reported %ld), free %lu -> %lu (after the giver: %lu)\n",
           giver, g0.nr_pages, g2.nr_pages, g, taker, ta.nr_pages, t2.nr_pages, t, c0.free, c1.free,
           c0.free + (g0.nr_pages - g1.nr_pages));
    check(r,
          rc1 == 0 && rc2 == 0 && g0.nr_pages - g2.nr_pages == kBalloonPages &&
              t2.nr_pages - ta.nr_pages == kBalloonPages && g1.max_pages == g1.nr_pages &&
              c1.free == c0.free,
          "4 MiB moved from the first domU to the second (getdomaininfo, free pool unchanged)");
    // Growing past max_mem is refused by the hypervisor.
    long back = balloon::balloon_set_target(giver, g0.nr_pages, kStepTimeoutNs);
    xen::DomctlInfo g3{};
    info(giver, g3);
    check(r, back == static_cast<long>(g2.nr_pages) && g3.nr_pages == g2.nr_pages,
          "the first domU cannot grow past its max_mem");
}

void finish_step(Run& r, u16 giver, u16 taker, const xen::DomctlCensus& before) {
    balloon::balloon_stop(giver);
    balloon::balloon_stop(taker);
    bool all_gone = run_until(
        r,
        [&] {
            for (unsigned i = 0; i < r.n; i++)
                if (r.live[i]) return false;
            return true;
        },
        kStepTimeoutNs);
    check(r, all_gone, "every domU exited and was destroyed");
    xen::DomctlCensus c{};
    bool ok = scenario_census(c);
    printk("Glasshouse scenario: frames: total %lu = free %lu + domains %lu + hypervisor %lu + "
           "orphaned %lu; allocator free %lu; %u domain(s), %u mismatched; before the domUs: "
           "free %lu (allocator %lu), hypervisor %lu\n",
           c.total, c.free, c.domains, c.hypervisor, c.orphaned, c.allocator_free, c.nr_domains,
           c.mismatched, before.free, before.allocator_free, before.hypervisor);
    check(r,
          ok && c.total == c.free + c.domains + c.hypervisor + c.orphaned && c.orphaned == 0 &&
              c.allocator_free == c.free && c.mismatched == 0,
          "every frame is accounted for");
    check(r,
          c.domains == before.domains && c.free + c.hypervisor == before.free + before.hypervisor,
          "no frame leaked since before the domUs");
}

} // namespace

bool scenario_census(xen::DomctlCensus& out) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_glass_frame_census;
    if (domctl(op)) return false;
    out = op.u.census;
    return true;
}

void run_scripted_scenario(const u16* ids, bool* live, unsigned n, u32 exc_port,
                           const xen::DomctlCensus& before) {
    Run r{ids, live, n, exc_port};
    if (n != 3 || !live[0] || !live[1] || !live[2]) {
        printk("Glasshouse scenario: FAILED: needs three domUs started (%u)\n", n);
        return;
    }
    pause_step(r, ids[1]);
    crash_step(r, 2);
    balloon_step(r, ids[0], ids[1]);
    finish_step(r, ids[0], ids[1], before);
    if (r.failures)
        printk("Glasshouse scenario: FAILED (%u checks)\n", r.failures);
    else
        printk("Glasshouse scenario: ok\n");
}

} // namespace guest
