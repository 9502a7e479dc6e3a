// Ballooning: PageTypes::remove_page/steal_page and the memory_op extent
// walks (increase/decrease_reservation, populate_physmap, exchange) over
// the small machine of test_mm_fixture.hpp. Frames 230..239 are free.
#include "hv/core/mm/reservation.hpp"
#include "test_mm_fixture.hpp"

#include <map>
#include <vector>

using namespace mmtest;

namespace {

constexpr u64 kFirstFree = 230, kEndFree = 240;
constexpr u64 kListBase = 0x10000; // guest address of list element 0

struct FakeOps final : ExtentOps {
    World& w;
    u64 nr_pages = kGuestFrames - 1; // 0..199 minus kOtherDomFrame
    u64 max_pages = kGuestFrames - 1;
    std::vector<u64> list = std::vector<u64>(64, 0);
    std::map<u64, u64> m2p;
    std::vector<u64> freed;

    explicit FakeOps(World& world) : w(world) {
        w.pt.set_release_hook(
            [](void* ctx, u64 mfn, u16 owner) {
                auto* self = static_cast<FakeOps*>(ctx);
                REQUIRE(owner == kDom);
                self->nr_pages--;
                self->freed.push_back(mfn);
            },
            this);
    }

    static u64 addr(u64 i) { return kListBase + 8 * i; }
    bool list_ok(u64 l, u64 first, u64 last) override {
        return l == kListBase && first <= last && last < list.size();
    }
    bool read(u64 l, u64 i, u64& v) override {
        if (!list_ok(l, i, i)) return false;
        v = list[i];
        return true;
    }
    bool write(u64 l, u64 i, u64 v) override {
        if (!list_ok(l, i, i)) return false;
        list[i] = v;
        return true;
    }
    Result<u64> alloc(unsigned order, unsigned) override {
        u64 n = 1ull << order;
        if (!fits_reservation(nr_pages, max_pages, n)) return XEN_ENOMEM;
        for (u64 m = kFirstFree; m + n <= kEndFree; m += n) {
            // assign() only checks references: take frames nobody owns.
            bool all_free = true;
            for (u64 k = 0; k < n; k++)
                all_free &= w.fi(m + k).owner == kOwnerFree;
            if (!all_free || !w.frames.assign(m, n, kDom)) continue;
            nr_pages += n;
            return m;
        }
        return XEN_ENOMEM;
    }
    void unalloc(u64 mfn, unsigned order) override {
        REQUIRE(w.frames.release(mfn, 1ull << order));
        nr_pages -= 1ull << order;
    }
    Status remove(u64 mfn) override {
        auto r = w.pt.remove_page(mfn, kDom);
        if (!r) return r.error();
        return {};
    }
    Status steal(u64 mfn) override {
        TRY(w.pt.steal_page(mfn, kDom));
        nr_pages--;
        return {};
    }
    void unsteal(u64 mfn) override {
        REQUIRE(w.frames.assign(mfn, 1, kDom));
        nr_pages++;
    }
    void free_stolen(u64 mfn) override { freed.push_back(mfn); }
    void set_m2p(u64 mfn, u64 pfn) override { m2p[mfn] = pfn; }
};

// Frames kFirstFree.. are free only while unowned; the fixture leaves
// them kOwnerFree, which FakeOps::alloc relies on.
MemoryReservation reservation(u64 n, unsigned order = 0, u32 flags = 0) {
    MemoryReservation r{};
    r.extent_start = kListBase;
    r.nr_extents = n;
    r.extent_order = order;
    r.mem_flags = flags;
    r.domid = 0x7FF0;
    return r;
}

const MemopLimits kDom0{12, true, true, 64};
const MemopLimits kDomU{9, false, false, 64};

} // namespace

TEST_CASE("reservation: increase is bounded by max_pages", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    ops.max_pages += 2;
    REQUIRE(increase_reservation(reservation(3), 0, kDom0, ops) == 2);
    REQUIRE(ops.nr_pages == ops.max_pages);
    REQUIRE(w.fi(ops.list[0]).owner == kDom);
    REQUIRE(w.fi(ops.list[1]).owner == kDom);
    REQUIRE(ops.m2p[ops.list[0]] == ~0ull);
    // Resuming at an extent that does not exist does nothing.
    REQUIRE(increase_reservation(reservation(3), 3, kDom0, ops) == 3);
}

TEST_CASE("reservation: argument checks return the start extent", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    ops.max_pages += 8;
    // xsa-231: a NUMA node that does not exist, from the hardware domain.
    REQUIRE(increase_reservation(reservation(1, 0, 0x4200), 0, kDom0, ops) == 0);
    // The same request from another domain is only a hint.
    REQUIRE(increase_reservation(reservation(1, 0, 0x4200), 0, kDomU, ops) == 1);
    // Node 0 (encoded 1) is fine; an exact request for no node is not.
    REQUIRE(increase_reservation(reservation(1, 0, 0x100), 0, kDom0, ops) == 1);
    REQUIRE(increase_reservation(reservation(1, 0, XENMEMF_exact_node_request), 0, kDom0, ops) ==
            0);
    // Address width of one page or less cannot be met.
    REQUIRE(increase_reservation(reservation(1, 0, 12), 0, kDom0, ops) == 0);
    // Order above 0 needs I/O rights; above max_order never.
    REQUIRE(increase_reservation(reservation(1, 1), 0, kDomU, ops) == 0);
    REQUIRE(increase_reservation(reservation(1, 13), 0, kDom0, ops) == 0);
    // A list outside guest memory.
    MemoryReservation r = reservation(100);
    REQUIRE(increase_reservation(r, 0, kDom0, ops) == 0);
    REQUIRE(ops.nr_pages == kGuestFrames - 1 + 2);
}

TEST_CASE("reservation: decrease frees unreferenced frames at once", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    ops.list[0] = 50;
    ops.list[1] = 51;
    REQUIRE(decrease_reservation(reservation(2), 0, kDom0, ops) == 2);
    REQUIRE(ops.freed == std::vector<u64>{50, 51});
    REQUIRE(w.fi(50).owner == kOwnerFree);
    REQUIRE(ops.nr_pages == kGuestFrames - 3);
    // Giving it back twice, or a frame of another domain, stops the walk.
    REQUIRE(decrease_reservation(reservation(2), 0, kDom0, ops) == 0);
    ops.list[0] = 52;
    ops.list[1] = kOtherDomFrame;
    ops.list[2] = 53;
    REQUIRE(decrease_reservation(reservation(3), 0, kDom0, ops) == 1);
    REQUIRE(w.fi(53).owner == kDom);
}

TEST_CASE("reservation: a mapped frame is freed by its last reference", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    constexpr u64 kL1 = 10, kPage = 60;
    w.page(kL1)[3] = make_pte(kPage, kRW);
    REQUIRE(w.pt.pin(kL1, FrameType::L1, w.dom).ok());
    REQUIRE(w.fi(kPage).type == FrameType::Writable);

    ops.list[0] = kPage;
    REQUIRE(decrease_reservation(reservation(1), 0, kDom0, ops) == 1);
    REQUIRE(ops.freed.empty());
    REQUIRE(w.fi(kPage).owner == kDom);
    REQUIRE((w.fi(kPage).flags & kFrameRemoved) != 0);
    (void)w.pt.take_flush_request();
    // A removed frame takes no new references.
    REQUIRE(w.pt.mod_l1_entry(kL1, 4, make_pte(kPage, kRO), w.dom).error() == XEN_EBUSY);
    // Unmapping it frees it, and asks for a TLB flush first.
    REQUIRE(w.pt.mod_l1_entry(kL1, 3, 0, w.dom).ok());
    REQUIRE(ops.freed == std::vector<u64>{kPage});
    REQUIRE(w.fi(kPage).owner == kOwnerFree);
    REQUIRE(w.pt.take_flush_request());
    REQUIRE(w.pt.unpin(kL1, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("reservation: removing a pinned table unpins and frees it", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    constexpr u64 kL1 = 10, kPage = 60;
    w.page(kL1)[0] = make_pte(kPage, kRW);
    REQUIRE(w.pt.pin(kL1, FrameType::L1, w.dom).ok());
    ops.list[0] = kL1;
    REQUIRE(decrease_reservation(reservation(1), 0, kDom0, ops) == 1);
    REQUIRE(ops.freed == std::vector<u64>{kL1});
    // Devalidation released the mapping it held.
    REQUIRE(w.fi(kPage).ref_count == 0);
    w.require_all_released();
}

TEST_CASE("reservation: populate_physmap records the M2P", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    ops.max_pages += 4;
    ops.list[0] = 0x300;
    ops.list[1] = 0x400;
    REQUIRE(populate_physmap(reservation(2, 1), 0, kDom0, ops) == 2);
    REQUIRE(ops.m2p[ops.list[0]] == 0x300);
    REQUIRE(ops.m2p[ops.list[0] + 1] == 0x301);
    REQUIRE(ops.m2p[ops.list[1] + 1] == 0x401);
    REQUIRE(populate_physmap(reservation(1, 0, XENMEMF_populate_on_demand), 0, kDom0, ops) == 0);
}

TEST_CASE("reservation: exchange checks both lists before acting", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    // xsa-212: the output list, read from nr_exchanged, is not guest memory.
    MemoryExchange x{};
    x.in = reservation(1);
    x.out = reservation(1);
    x.out.extent_start = 0;
    x.nr_exchanged = 0;
    ops.list[0] = 70;
    REQUIRE(exchange(x, kDom0, ops).error() == XEN_EFAULT);
    REQUIRE(w.fi(70).owner == kDom);
    REQUIRE(x.nr_exchanged == 0);

    // Sizes must match, orders must be permitted.
    x = {};
    x.in = reservation(2);
    x.out = reservation(1);
    REQUIRE(exchange(x, kDom0, ops).error() == XEN_EINVAL);
    x.out.extent_order = 13;
    REQUIRE(exchange(x, kDom0, ops).error() == XEN_EPERM);
}

TEST_CASE("reservation: exchange two frames for one contiguous pair", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    MemoryExchange x{};
    x.in = reservation(2);
    x.out = reservation(1, 1);
    ops.list[0] = 80;
    ops.list[1] = 81;
    u64 before = ops.nr_pages;
    // Both lists are the same array here: the output gpfn is read from it.
    REQUIRE(exchange(x, kDom0, ops).ok());
    REQUIRE(x.nr_exchanged == 2);
    REQUIRE(ops.nr_pages == before);
    REQUIRE(w.fi(80).owner == kOwnerFree);
    u64 out = ops.list[0];
    REQUIRE(w.fi(out).owner == kDom);
    REQUIRE(w.fi(out + 1).owner == kDom);
    REQUIRE(ops.m2p[out] == 80);
    REQUIRE(ops.m2p[out + 1] == 81);
}

TEST_CASE("reservation: exchange of a mapped frame changes nothing", "[mm][reservation]") {
    World w;
    FakeOps ops(w);
    constexpr u64 kL1 = 10;
    w.page(kL1)[0] = make_pte(91, kRO);
    REQUIRE(w.pt.pin(kL1, FrameType::L1, w.dom).ok());
    MemoryExchange x{};
    x.in = reservation(2);
    x.out = reservation(2);
    // Order-0 extents are exchanged one chunk at a time: the mapped frame
    // first, so the very first chunk fails.
    ops.list[0] = 91;
    ops.list[1] = 90;
    u64 before = ops.nr_pages;
    REQUIRE(exchange(x, kDom0, ops).error() == XEN_EINVAL);
    REQUIRE(x.nr_exchanged == 0);
    REQUIRE(ops.nr_pages == before);
    REQUIRE(w.fi(90).owner == kDom);
    REQUIRE(w.fi(91).owner == kDom);
    REQUIRE(ops.freed.empty());
    // The other order: the first chunk is done and stays done.
    ops.list[0] = 90;
    ops.list[1] = 91;
    REQUIRE(exchange(x, kDom0, ops).error() == XEN_EINVAL);
    REQUIRE(x.nr_exchanged == 1);
    REQUIRE(w.fi(90).owner == kOwnerFree);
    REQUIRE(ops.nr_pages == before);
}
