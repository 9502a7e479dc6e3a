#include "guest/probes.hpp"

#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/mm_space.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/lib/string.hpp"

// gdb's targets in the dbgloop probe: plain C names, so `break
// dbgloop_tick` and `watch dbgloop_counter` need no namespace.
extern "C" {
volatile u64 dbgloop_counter;
__attribute__((noinline)) void dbgloop_tick(u64 n) {
    dbgloop_counter = n;
}
}

namespace guest {
namespace {

using namespace mmu;

constexpr u64 kRO = kP | kA | kD;
constexpr u64 kRWF = kP | kRW | kA | kD;
constexpr u64 kReportNs = 500000000;
constexpr u64 kDwellNs = 1500000000;
constexpr u32 kMaxPortScan = 64;

const char* status_name(u32 s) {
    switch (s) {
    case xen::EVTCHNSTAT_unbound:
        return "Unbound";
    case xen::EVTCHNSTAT_interdomain:
        return "Interdomain";
    case xen::EVTCHNSTAT_pirq:
        return "Pirq";
    case xen::EVTCHNSTAT_virq:
        return "Virq";
    case xen::EVTCHNSTAT_ipi:
        return "Ipi";
    }
    return "?";
}

// A loop that calls a function: something to break on by name, a stack
// two frames deep for bt, and a variable written on every call.
[[noreturn]] void run_dbgloop() {
    printk("Glasshouse dbgloop: running (dbgloop_counter at %p)\n", &dbgloop_counter);
    u64 next = system_time_ns() + kReportNs;
    for (u64 n = 1;; n++) {
        dbgloop_tick(n);
        if (system_time_ns() < next) continue;
        printk("Glasshouse dbgloop: count %lu\n", n);
        next += kReportNs;
    }
}

void wait_ns(u64 ns) {
    u64 end = system_time_ns() + ns;
    while (system_time_ns() < end)
        asm volatile("pause");
}

// Ports 0..63 as the hypervisor reports them to us (EVTCHNOP_status).
void report_ports() {
    unsigned bound = 0;
    for (u32 p = 1; p < kMaxPortScan; p++) {
        xen::EvtchnStatusArgs st{};
        st.dom = xen::DOMID_SELF;
        st.port = p;
        if (event_channel_op(xen::EVTCHNOP_status, &st) != 0) break; // past the last port
        if (st.status == xen::EVTCHNSTAT_closed) continue;
        bound++;
        u32 detail = st.status == xen::EVTCHNSTAT_virq          ? st.u.virq
                     : st.status == xen::EVTCHNSTAT_unbound     ? st.u.unbound.dom
                     : st.status == xen::EVTCHNSTAT_interdomain ? st.u.interdomain.dom
                                                                : 0;
        printk("Glasshouse self: port %u %s %u vcpu %u\n", p, status_name(st.status), detail,
               st.vcpu);
    }
    printk("Glasshouse self: %u ports bound\n", bound);
}

// What the host's introspection must agree with: the L4 we run on (pinned
// by the domain builder, as on Xen), the frame our kernel's first page is
// in, and our event channels.
void report_self(const xen::StartInfo& si, const Space& sp) {
    u64 l4 = sp.boot_l4_mfn();
    printk("Glasshouse self: l4 mfn 0x%lx pinned (pt_base %p)\n", l4,
           reinterpret_cast<void*>(si.pt_base));
    printk("Glasshouse self: kernel va %p mfn 0x%lx\n", &dbgloop_counter,
           sp.mfn_of(const_cast<u64*>(&dbgloop_counter)));
    report_ports();
}

// Pins pool page 0 as an L1 and unpins it, in turn, forever: the host
// checks each state in its next snapshot.
[[noreturn]] void pin_cycle(const Space& sp) {
    void* va = sp.pool(0);
    u64 mfn = sp.pool_mfn(0);
    if (update_va(va, pte(mfn, kRO)) != 0) {
        printk("Glasshouse self: cannot remap pool page read-only\n");
        for (;;)
            wait_ns(kDwellNs);
    }
    for (u64 round = 1;; round++) {
        long rc = mmuext(xen::MMUEXT_PIN_L1_TABLE, mfn);
        printk("Glasshouse self: pinned l1 mfn 0x%lx round %lu rc %ld\n", mfn, round, rc);
        wait_ns(kDwellNs);
        rc = mmuext(xen::MMUEXT_UNPIN_TABLE, mfn);
        printk("Glasshouse self: unpinned mfn 0x%lx round %lu rc %ld\n", mfn, round, rc);
        wait_ns(kDwellNs);
    }
}

// Page-table changes as fast as the hypervisor takes them: an L1 (pool
// page 1) pinned for good has entry i mapped to pool page 2 and cleared
// again, and a second L1 (pool page 3) is pinned and unpinned.
[[noreturn]] void run_ptchurn(const Space& sp, u32 gap_us) {
    u64 l1 = sp.pool_mfn(1), data = sp.pool_mfn(2), spare = sp.pool_mfn(3);
    if (update_va(sp.pool(1), pte(l1, kRO)) || update_va(sp.pool(3), pte(spare, kRO)) ||
        mmuext(xen::MMUEXT_PIN_L1_TABLE, l1)) {
        printk("Glasshouse ptchurn: setup failed\n");
        for (;;)
            wait_ns(kDwellNs);
    }
    printk("Glasshouse ptchurn: churning l1 0x%lx and 0x%lx, resting %u us every 2048 updates\n",
           l1, spare, gap_us);
    u64 updates = 0, errors = 0;
    u64 start = system_time_ns(), next = start + 1000000000;
    for (unsigned i = 0;; i = (i + 1) % 512) {
        errors += set_entry(l1, i, pte(data, kRO)) != 0;
        errors += set_entry(l1, i, 0) != 0;
        errors += mmuext(xen::MMUEXT_PIN_L1_TABLE, spare) != 0;
        errors += mmuext(xen::MMUEXT_UNPIN_TABLE, spare) != 0;
        updates += 4;
        if (gap_us && i == 511) wait_ns(u64{gap_us} * 1000);
        u64 now = system_time_ns();
        if (now < next) continue;
        printk("Glasshouse ptchurn: %lu updates/s, %lu errors\n",
               updates * 1000000000 / (now - start), errors);
        updates = 0;
        start = now;
        next = now + 1000000000;
    }
}

} // namespace

bool parse_probe_option(const char* text, usize len, ProbeOptions& out) {
    auto is = [&](const char* s) { return strlen(s) == len && memcmp(text, s, len) == 0; };
    if (is("dbgloop"))
        out.dbgloop = true;
    else if (is("selfreport"))
        out.selfreport = true;
    else if (is("ptchurn"))
        out.ptchurn = true;
    else if (len > 8 && memcmp(text, "ptchurn=", 8) == 0) {
        u64 us = 0;
        for (usize i = 8; i < len; i++) {
            if (text[i] < '0' || text[i] > '9' || us > 1000000) return false;
            us = us * 10 + static_cast<u64>(text[i] - '0');
        }
        if (us > 1000000) return false; // a second at most
        out.ptchurn = true;
        out.ptchurn_gap_us = static_cast<u32>(us);
    } else
        return false;
    return true;
}

void run_probes(const xen::StartInfo& si, const ProbeOptions& options) {
    if (!options.any()) return;
    (void)kRWF;
    Space sp(si);
    if (options.selfreport) {
        report_self(si, sp);
        if (!options.ptchurn && !options.dbgloop) pin_cycle(sp);
    }
    if (options.ptchurn) run_ptchurn(sp, options.ptchurn_gap_us);
    run_dbgloop();
}

} // namespace guest
