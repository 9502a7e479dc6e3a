#include "hv/core/evtchn/interdomain.hpp"
#include "hv/core/evtchn/pending.hpp"
#include "hv/core/evtchn/port_table.hpp"

#include <catch2/catch.hpp>

#include <memory>

namespace {

constexpr u16 kDom0 = 0;
constexpr u16 kDom1 = 1;

// The tables are ~34 KiB each; keep them off the test's stack.
std::unique_ptr<EvtchnTable> make_table(u16 domid, u32 nr_vcpus = 2) {
    return std::make_unique<EvtchnTable>(domid, nr_vcpus);
}

std::unique_ptr<xen::SharedInfo> make_shared() {
    return std::make_unique<xen::SharedInfo>();
}

u32 must(Result<u32> r) {
    REQUIRE(r.ok());
    return *r;
}

} // namespace

TEST_CASE("evtchn: port record stays small", "[evtchn]") {
    STATIC_REQUIRE(sizeof(PortRecord) <= 16);
    STATIC_REQUIRE(kEvtchnMaxPorts == 4096);
}

TEST_CASE("evtchn: alloc_unbound hands out 4095 ports, then ENOSPC, then reuses", "[evtchn]") {
    auto t = make_table(kDom0);
    auto shared = make_shared();
    // xsa-317: 4100 allocations, every one 0 until -ENOSPC.
    u32 ok = 0, nospc = 0;
    for (int i = 0; i < 4100; ++i) {
        auto r = t->alloc_unbound(kDom0);
        if (r.ok()) {
            REQUIRE(nospc == 0);
            REQUIRE(*r != 0); // port 0 is never handed out
            ++ok;
        } else {
            REQUIRE(r.error() == XEN_ENOSPC);
            ++nospc;
        }
    }
    REQUIRE(ok == 4095);
    REQUIRE(nospc == 5);

    REQUIRE(evtchn_close(*t, *shared, 1234, nullptr).ok());
    REQUIRE(must(t->alloc_unbound(kDom0)) == 1234);
    REQUIRE(t->alloc_unbound(kDom0).error() == XEN_ENOSPC);
}

TEST_CASE("evtchn: ports are handed out lowest first from 1", "[evtchn]") {
    auto t = make_table(kDom0);
    REQUIRE(must(t->alloc_unbound(kDom0)) == 1);
    REQUIRE(must(t->bind_ipi(0)) == 2);
    REQUIRE(must(t->bind_virq(VIRQ_TIMER, 0)) == 3);
}

TEST_CASE("evtchn: port 0 and out-of-range ports", "[evtchn]") {
    auto t = make_table(kDom0);
    auto shared = make_shared();
    auto s0 = t->status(0);
    REQUIRE(s0.ok());
    REQUIRE(s0->status == xen::EVTCHNSTAT_closed);
    REQUIRE_FALSE(t->in_use(0));
    REQUIRE(evtchn_close(*t, *shared, 0, nullptr).error() == XEN_EINVAL);
    REQUIRE(t->send_target(0).error() == XEN_EINVAL);
    REQUIRE(t->bind_vcpu(0, 0).error() == XEN_EINVAL);

    REQUIRE(t->status(4096).error() == XEN_EINVAL);
    REQUIRE(t->send_target(4096).error() == XEN_EINVAL);
    REQUIRE(evtchn_close(*t, *shared, 4096, nullptr).error() == XEN_EINVAL);
    REQUIRE_FALSE(t->in_use(4096));
    REQUIRE_FALSE(EvtchnTable::is_valid(4096));
    REQUIRE(EvtchnTable::is_valid(4095));
}

TEST_CASE("evtchn: status of each kind of port", "[evtchn]") {
    auto t = make_table(kDom0);

    SECTION("free port is closed") {
        auto s = t->status(77);
        REQUIRE(s.ok());
        REQUIRE(s->status == xen::EVTCHNSTAT_closed);
        REQUIRE_FALSE(t->in_use(77));
    }
    SECTION("unbound reports the domain allowed to bind (XTF's domid probe)") {
        u32 p = must(t->alloc_unbound(kDom0));
        REQUIRE(t->in_use(p));
        auto s = t->status(p);
        REQUIRE(s->status == xen::EVTCHNSTAT_unbound);
        REQUIRE(s->remote_dom == kDom0);
        REQUIRE(s->vcpu == 0);

        xen::EvtchnStatusArgs args{};
        args.u.interdomain.port = 0xdeadbeef; // stale OUT bytes get cleared
        fill_status_args(*s, args);
        REQUIRE(args.status == xen::EVTCHNSTAT_unbound);
        REQUIRE(args.u.unbound.dom == kDom0);
        REQUIRE(args.u.interdomain.port == 0);
    }
    SECTION("virq reports the VIRQ and its vCPU") {
        u32 p = must(t->bind_virq(VIRQ_TIMER, 1));
        auto s = t->status(p);
        REQUIRE(s->status == xen::EVTCHNSTAT_virq);
        REQUIRE(s->virq == VIRQ_TIMER);
        REQUIRE(s->vcpu == 1);
        xen::EvtchnStatusArgs args{};
        fill_status_args(*s, args);
        REQUIRE(args.u.virq == VIRQ_TIMER);
        REQUIRE(args.vcpu == 1);
    }
    SECTION("ipi reports its vCPU") {
        u32 p = must(t->bind_ipi(1));
        auto s = t->status(p);
        REQUIRE(s->status == xen::EVTCHNSTAT_ipi);
        REQUIRE(s->vcpu == 1);
    }
}

TEST_CASE("evtchn: bind_virq rules", "[evtchn]") {
    auto t = make_table(kDom0, 2);
    REQUIRE(t->bind_virq(kNrVirqs, 0).error() == XEN_EINVAL);
    REQUIRE(t->bind_virq(0xFFFFFFFFu, 0).error() == XEN_EINVAL);
    // Global VIRQs bind on vCPU 0 only.
    REQUIRE(t->bind_virq(VIRQ_CONSOLE, 1).error() == XEN_EINVAL);
    // Missing vCPU.
    REQUIRE(t->bind_virq(VIRQ_TIMER, 2).error() == XEN_ENOENT);

    u32 t0 = must(t->bind_virq(VIRQ_TIMER, 0));
    REQUIRE(t->bind_virq(VIRQ_TIMER, 0).error() == XEN_EEXIST);
    u32 t1 = must(t->bind_virq(VIRQ_TIMER, 1)); // per vCPU: a second binding
    REQUIRE(t0 != t1);

    REQUIRE(t->virq_target(VIRQ_TIMER, 0).port == t0);
    REQUIRE(t->virq_target(VIRQ_TIMER, 1).port == t1);
    REQUIRE(t->virq_target(VIRQ_TIMER, 1).notify_vcpu == 1);
    REQUIRE(t->virq_target(VIRQ_DEBUG, 0).port == 0);
}

TEST_CASE("evtchn: closing a virq port frees the VIRQ for rebinding", "[evtchn]") {
    auto t = make_table(kDom0, 2);
    auto shared = make_shared();
    u32 con = must(t->bind_virq(VIRQ_CONSOLE, 0));
    // A global VIRQ can move to another vCPU and is still found through vCPU 0.
    REQUIRE(t->bind_vcpu(con, 1).ok());
    auto target = t->virq_target(VIRQ_CONSOLE, 0);
    REQUIRE(target.port == con);
    REQUIRE(target.notify_vcpu == 1);

    REQUIRE(evtchn_close(*t, *shared, con, nullptr).ok());
    REQUIRE(t->virq_target(VIRQ_CONSOLE, 0).port == 0);
    REQUIRE(t->status(con)->status == xen::EVTCHNSTAT_closed);
    REQUIRE(t->status(con)->vcpu == 0); // notify vCPU reset on free
    REQUIRE(must(t->bind_virq(VIRQ_CONSOLE, 0)) == con);
}

TEST_CASE("evtchn: bind_vcpu by port state", "[evtchn]") {
    auto t = make_table(kDom0, 2);
    u32 unbound = must(t->alloc_unbound(kDom0));
    u32 timer = must(t->bind_virq(VIRQ_TIMER, 0));
    u32 ipi = must(t->bind_ipi(0));

    REQUIRE(t->bind_vcpu(unbound, 1).ok());
    REQUIRE(t->notify_vcpu(unbound) == 1);
    REQUIRE(t->bind_vcpu(timer, 1).error() == XEN_EINVAL); // per-vCPU VIRQ
    REQUIRE(t->bind_vcpu(ipi, 1).error() == XEN_EINVAL);
    REQUIRE(t->bind_vcpu(500, 1).error() == XEN_EINVAL); // free
    REQUIRE(t->bind_vcpu(unbound, 2).error() == XEN_ENOENT);
    REQUIRE(t->bind_ipi(2).error() == XEN_ENOENT);
}

TEST_CASE("evtchn: interdomain bind links both ends", "[evtchn]") {
    auto a = make_table(kDom0);
    auto b = make_table(kDom1);
    auto shared_a = make_shared();
    auto shared_b = make_shared();

    u32 offered = must(b->alloc_unbound(kDom0)); // dom1 offers a port to dom0
    u32 local = must(evtchn_bind_interdomain(*a, *b, offered));

    auto sa = a->status(local);
    REQUIRE(sa->status == xen::EVTCHNSTAT_interdomain);
    REQUIRE(sa->remote_dom == kDom1);
    REQUIRE(sa->remote_port == offered);
    auto sb = b->status(offered);
    REQUIRE(sb->status == xen::EVTCHNSTAT_interdomain);
    REQUIRE(sb->remote_dom == kDom0);
    REQUIRE(sb->remote_port == local);
    REQUIRE(a->interdomain_peer(local) == kDom1);

    auto send = a->send_target(local);
    REQUIRE(send.ok());
    REQUIRE(send->kind == SendTarget::Remote);
    REQUIRE(send->domid == kDom1);
    REQUIRE(send->port == offered);

    SECTION("closing one end makes the other unbound for the closer") {
        REQUIRE(evtchn_close(*a, *shared_a, local, b.get()).ok());
        REQUIRE(a->status(local)->status == xen::EVTCHNSTAT_closed);
        auto after = b->status(offered);
        REQUIRE(after->status == xen::EVTCHNSTAT_unbound);
        REQUIRE(after->remote_dom == kDom0);
        // ...so dom0 can bind to it again.
        REQUIRE(evtchn_bind_interdomain(*a, *b, offered).ok());
    }
    SECTION("close needs the matching peer table") {
        REQUIRE(evtchn_close(*a, *shared_a, local, nullptr).error() == XEN_EINVAL);
        REQUIRE(evtchn_close(*a, *shared_a, local, a.get()).error() == XEN_EINVAL);
        REQUIRE(a->in_use(local));
    }
    SECTION("a bound port cannot be bound again") {
        REQUIRE(evtchn_bind_interdomain(*a, *b, offered).error() == XEN_EINVAL);
    }
    SECTION("close clears the closed port's pending bit only") {
        REQUIRE(evtchn_set_pending(*shared_a, shared_a->vcpu_info[0], local).newly_pending);
        REQUIRE(evtchn_set_pending(*shared_b, shared_b->vcpu_info[0], offered).newly_pending);
        REQUIRE(evtchn_close(*a, *shared_a, local, b.get()).ok());
        REQUIRE_FALSE(evtchn_is_pending(*shared_a, local));
        REQUIRE(evtchn_is_pending(*shared_b, offered));
    }
}

TEST_CASE("evtchn: interdomain bind checks the remote port", "[evtchn]") {
    auto a = make_table(kDom0);
    auto b = make_table(kDom1);
    u32 for_other = must(b->alloc_unbound(5)); // offered to dom5, not dom0
    u32 ipi = must(b->bind_ipi(0));

    REQUIRE(evtchn_bind_interdomain(*a, *b, for_other).error() == XEN_EINVAL);
    REQUIRE(evtchn_bind_interdomain(*a, *b, ipi).error() == XEN_EINVAL);
    REQUIRE(evtchn_bind_interdomain(*a, *b, 900).error() == XEN_EINVAL); // free
    REQUIRE(evtchn_bind_interdomain(*a, *b, 0).error() == XEN_EINVAL);
    REQUIRE(evtchn_bind_interdomain(*a, *b, 4096).error() == XEN_EINVAL);
    // A refused bind takes no local port.
    REQUIRE(must(a->alloc_unbound(kDom0)) == 1);
}

TEST_CASE("evtchn: loopback bind to an own unbound port", "[evtchn]") {
    auto t = make_table(kDom0);
    auto shared = make_shared();
    u32 unbound = must(t->alloc_unbound(kDom0));
    u32 local = must(evtchn_bind_interdomain(*t, *t, unbound));
    REQUIRE(local != unbound);
    REQUIRE(t->status(local)->remote_port == unbound);
    REQUIRE(t->status(unbound)->remote_port == local);
    REQUIRE(t->send_target(local)->domid == kDom0);
    REQUIRE(t->send_target(local)->port == unbound);

    REQUIRE(evtchn_close(*t, *shared, unbound, t.get()).ok());
    auto s = t->status(local);
    REQUIRE(s->status == xen::EVTCHNSTAT_unbound);
    REQUIRE(s->remote_dom == kDom0);
}

TEST_CASE("evtchn: send targets follow Xen's evtchn_send", "[evtchn]") {
    auto t = make_table(kDom0, 2);
    u32 unbound = must(t->alloc_unbound(kDom0));
    u32 virq = must(t->bind_virq(VIRQ_DEBUG, 0));
    u32 ipi = must(t->bind_ipi(1));

    REQUIRE(t->send_target(unbound)->kind == SendTarget::Drop);
    REQUIRE(t->send_target(virq).error() == XEN_EINVAL);
    REQUIRE(t->send_target(300).error() == XEN_EINVAL);
    auto s = t->send_target(ipi);
    REQUIRE(s->kind == SendTarget::Local);
    REQUIRE(s->port == ipi);
    REQUIRE(s->notify_vcpu == 1);
}

TEST_CASE("evtchn: raising a masked port sets only its pending bit", "[evtchn]") {
    auto shared = make_shared();
    xen::VcpuInfo& vi = shared->vcpu_info[0];
    shared->evtchn_mask[1] = 1ull << 3; // port 67

    auto r = evtchn_set_pending(*shared, vi, 67);
    REQUIRE(r.newly_pending); // a poller on 67 must still wake
    REQUIRE_FALSE(r.upcall_raised);
    REQUIRE(shared->evtchn_pending[1] == (1ull << 3));
    REQUIRE(vi.evtchn_pending_sel == 0);
    REQUIRE(vi.evtchn_upcall_pending == 0);

    SECTION("clearing the mask in memory raises nothing") {
        shared->evtchn_mask[1] = 0;
        REQUIRE(vi.evtchn_pending_sel == 0);
        REQUIRE(vi.evtchn_upcall_pending == 0);
    }
    SECTION("EVTCHNOP_unmask redoes the selector and upcall step") {
        REQUIRE(evtchn_unmask(*shared, vi, 67));
        REQUIRE_FALSE(evtchn_is_masked(*shared, 67));
        REQUIRE(vi.evtchn_pending_sel == (1ull << 1));
        REQUIRE(vi.evtchn_upcall_pending == 1);
        REQUIRE(evtchn_upcall_deliverable(vi) == (vi.evtchn_upcall_mask == 0));
    }
}

TEST_CASE("evtchn: unmask of a port that is not pending raises nothing", "[evtchn]") {
    auto shared = make_shared();
    xen::VcpuInfo& vi = shared->vcpu_info[0];
    shared->evtchn_mask[0] = 1ull << 5;
    REQUIRE_FALSE(evtchn_unmask(*shared, vi, 5));
    REQUIRE_FALSE(evtchn_is_masked(*shared, 5));
    REQUIRE(vi.evtchn_pending_sel == 0);
    REQUIRE(vi.evtchn_upcall_pending == 0);
    // Unmasking a port that was not masked does nothing either.
    shared->evtchn_pending[0] = 1ull << 5;
    REQUIRE_FALSE(evtchn_unmask(*shared, vi, 5));
    REQUIRE(vi.evtchn_upcall_pending == 0);
}

TEST_CASE("evtchn: raising an unmasked port sets selector and upcall once", "[evtchn]") {
    auto shared = make_shared();
    xen::VcpuInfo& vi = shared->vcpu_info[1];

    auto first = evtchn_set_pending(*shared, vi, 130); // word 2, bit 2
    REQUIRE(first.newly_pending);
    REQUIRE(first.upcall_raised);
    REQUIRE(evtchn_is_pending(*shared, 130));
    REQUIRE(vi.evtchn_pending_sel == (1ull << 2));
    REQUIRE(vi.evtchn_upcall_pending == 1);
    REQUIRE(shared->vcpu_info[0].evtchn_pending_sel == 0); // other vCPUs untouched

    SECTION("an already pending port changes nothing and wakes no poller") {
        vi.evtchn_upcall_pending = 0; // even after the guest acked the upcall
        auto again = evtchn_set_pending(*shared, vi, 130);
        REQUIRE_FALSE(again.newly_pending);
        REQUIRE_FALSE(again.upcall_raised);
        REQUIRE(vi.evtchn_upcall_pending == 0);
    }
    SECTION("another port in the same word: selector already set, no new upcall") {
        auto r = evtchn_set_pending(*shared, vi, 129);
        REQUIRE(r.newly_pending);
        REQUIRE_FALSE(r.upcall_raised);
        REQUIRE(vi.evtchn_pending_sel == (1ull << 2));
    }
    SECTION("a port in another word sets its own selector bit") {
        auto r = evtchn_set_pending(*shared, vi, 4095); // word 63
        REQUIRE(r.newly_pending);
        REQUIRE_FALSE(r.upcall_raised); // upcall already pending
        REQUIRE(vi.evtchn_pending_sel == ((1ull << 2) | (1ull << 63)));
    }
    SECTION("after the guest scanned, the next raise upcalls again") {
        vi.evtchn_upcall_pending = 0;
        vi.evtchn_pending_sel = 0;
        evtchn_clear_pending(*shared, 130);
        REQUIRE_FALSE(evtchn_is_pending(*shared, 130));
        auto r = evtchn_set_pending(*shared, vi, 130);
        REQUIRE(r.newly_pending);
        REQUIRE(r.upcall_raised);
    }
}

TEST_CASE("evtchn: selector bit set but upcall already pending", "[evtchn]") {
    auto shared = make_shared();
    xen::VcpuInfo& vi = shared->vcpu_info[0];
    vi.evtchn_upcall_pending = 1;
    auto r = evtchn_set_pending(*shared, vi, 1);
    REQUIRE(r.newly_pending);
    REQUIRE_FALSE(r.upcall_raised); // no second kick
    REQUIRE(vi.evtchn_pending_sel == 1);
}

TEST_CASE("evtchn: upcall deliverable only when pending and unmasked", "[evtchn]") {
    xen::VcpuInfo vi{};
    vi.evtchn_upcall_mask = 1;
    vi.evtchn_upcall_pending = 1;
    REQUIRE_FALSE(evtchn_upcall_deliverable(vi));
    vi.evtchn_upcall_mask = 0;
    REQUIRE(evtchn_upcall_deliverable(vi));
    vi.evtchn_upcall_pending = 0;
    REQUIRE_FALSE(evtchn_upcall_deliverable(vi));
}

TEST_CASE("evtchn: out-of-range ports never touch shared memory", "[evtchn]") {
    auto shared = make_shared();
    xen::VcpuInfo& vi = shared->vcpu_info[0];
    auto r = evtchn_set_pending(*shared, vi, kEvtchnMaxPorts);
    REQUIRE_FALSE(r.newly_pending);
    REQUIRE_FALSE(evtchn_unmask(*shared, vi, kEvtchnMaxPorts));
    REQUIRE_FALSE(evtchn_is_pending(*shared, kEvtchnMaxPorts));
    REQUIRE(shared->wc_version == 0); // the word after evtchn_mask[]
}
