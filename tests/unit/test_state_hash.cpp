// The checkpoint hashes (hv/core/trace/state_hash): what changes them, what
// must not, and that they match the definition in traces/FORMAT.md as an
// independent reading of that text computes it.
#include "hv/core/trace/state_hash.hpp"

#include "hv/core/evtchn/interdomain.hpp"
#include "test_mm_fixture.hpp"

#include <memory>

using namespace mmtest;

namespace {

// FORMAT.md, "Checkpoint hashes", written out again from the text.
u64 reference_hash(const std::vector<u64>& words) {
    u64 h = 0x676c617373686f75ull;
    for (u64 w : words) {
        h = (h << 29) | (h >> 35);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    }
    return h ^ (h >> 31);
}

u64 ft_hash(World& w) {
    return trace::frame_table_hash(w.frames, PhysMem(w.ram.data(), kFrames));
}

// An L1 at mfn 10 mapping frame 20 read-write, pinned.
void pin_l1(World& w) {
    w.page(10)[3] = make_pte(20, kRW);
    REQUIRE(w.pt.pin(10, FrameType::L1, w.dom).ok());
}

} // namespace

TEST_CASE("state hash: frame-table hash follows FORMAT.md word by word", "[trace][hash]") {
    World w;
    pin_l1(w);
    std::vector<u64> words;
    u64 hashed = 0;
    for (u64 mfn = 0; mfn < kFrames; mfn++) {
        const FrameInfo& f = w.fi(mfn);
        bool in = f.owner < 0x7FF0 || f.ref_count || f.type_count || (f.flags & 4);
        if (!in) continue;
        hashed++;
        words.push_back(mfn);
        words.push_back(u64{f.owner} | u64{f.shared_with} << 16 | u64(f.type) << 32 |
                        u64{f.flags} << 40 | u64(u16(f.linear_count)) << 48);
        words.push_back(u64{f.ref_count} | u64{f.type_count} << 32);
        if (f.type_count && f.type >= FrameType::L1 && f.type <= FrameType::L4 &&
            (f.flags & kFrameValidated))
            for (unsigned i = 0; i < 512; i++)
                if (f.type != FrameType::L4 || i < 256 || i >= 272)
                    words.push_back(w.page(mfn)[i] & ~u64{0x60});
    }
    words.push_back(hashed);
    REQUIRE(hashed == kGuestFrames + 1); // the guest's frames and the shared hv frame
    REQUIRE(ft_hash(w) == reference_hash(words));
}

TEST_CASE("state hash: every recorded frame field changes the hash", "[trace][hash]") {
    World w;
    pin_l1(w);
    u64 base = ft_hash(w);
    REQUIRE(ft_hash(w) == base); // deterministic

    auto changed = [&](auto edit) {
        World x;
        pin_l1(x);
        edit(x);
        return ft_hash(x) != base;
    };
    CHECK(changed([](World& x) { x.info[20].ref_count++; }));
    CHECK(changed([](World& x) { x.info[20].type_count++; }));
    CHECK(changed([](World& x) { x.info[20].type = FrameType::L2; }));
    CHECK(changed([](World& x) { x.info[10].flags &= ~kFramePinned; }));
    CHECK(changed([](World& x) { x.info[30].owner = kOtherDom; }));
    CHECK(changed([](World& x) { x.info[30].linear_count = -1; }));
    CHECK(changed([](World& x) { x.info[229].shared_with = kOtherDom; }));
    // A validated table's entries count...
    CHECK(changed([](World& x) { x.page(10)[3] = make_pte(21, kRW); }));
    CHECK(changed([](World& x) { x.page(10)[3] |= PTE_NX; }));
    // ...a free frame becoming referenced counts.
    CHECK(changed([](World& x) { x.info[210].ref_count = 1; }));
}

TEST_CASE("state hash: what the guest or hardware changes alone is left out", "[trace][hash]") {
    World w;
    pin_l1(w);
    u64 base = ft_hash(w);
    // Accessed/dirty bits set by the MMU.
    w.page(10)[3] |= PTE_A | PTE_D;
    CHECK(ft_hash(w) == base);
    // Contents of frames that are not validated tables.
    w.page(20)[0] = 0x1234;
    CHECK(ft_hash(w) == base);
    // Unreferenced hypervisor frames and the MMIO hole.
    w.info[205].flags = 0x10;
    CHECK(ft_hash(w) == base);
    // The hypervisor's L4 slots of a validated L4.
    World v;
    REQUIRE(v.pt.pin(11, FrameType::L4, v.dom).ok());
    u64 l4 = ft_hash(v);
    v.page(11)[260] ^= 0x5000;
    CHECK(ft_hash(v) == l4);
    v.page(11)[255] = 0; // already zero: a guest slot, unchanged
    CHECK(ft_hash(v) == l4);
}

TEST_CASE("state hash: independent of the frame table's size", "[trace][hash]") {
    World w;
    pin_l1(w);
    std::vector<FrameInfo> bigger(kFrames * 2);
    FrameTable big(bigger.data(), kFrames * 2);
    for (u64 m = 0; m < kFrames; m++)
        bigger[m] = w.info[m];
    std::vector<u64> ram(kFrames * 2 * kEntriesPerTable);
    std::copy(w.ram.begin(), w.ram.end(), ram.begin());
    REQUIRE(trace::frame_table_hash(big, PhysMem(ram.data(), kFrames * 2)) == ft_hash(w));
}

TEST_CASE("state hash: event-channel hash covers bindings, not pending bits", "[trace][hash]") {
    auto make = [] {
        auto d0 = std::make_unique<EvtchnTable>(0, 2);
        auto d1 = std::make_unique<EvtchnTable>(1, 1);
        REQUIRE(d1->alloc_unbound(0).ok());
        REQUIRE(evtchn_bind_interdomain(*d0, *d1, 1).ok());
        REQUIRE(d0->bind_virq(VIRQ_TIMER, 1).ok());
        return std::make_pair(std::move(d0), std::move(d1));
    };
    auto [a0, a1] = make();
    const EvtchnTable* a[] = {a0.get(), a1.get()};
    u64 base = trace::evtchn_hash(a, 2);

    auto [b0, b1] = make();
    const EvtchnTable* b[] = {b0.get(), b1.get()};
    REQUIRE(trace::evtchn_hash(b, 2) == base);
    // Pending bits live in shared_info and are not part of it.
    auto shared = std::make_unique<xen::SharedInfo>();
    (void)evtchn_set_pending(*shared, shared->vcpu_info[0], 1);
    REQUIRE(trace::evtchn_hash(b, 2) == base);
    // A new binding, a moved notification, a closed port all change it.
    REQUIRE(b0->bind_ipi(0).ok());
    u64 with_ipi = trace::evtchn_hash(b, 2);
    CHECK(with_ipi != base);
    REQUIRE(b0->bind_vcpu(1, 1).ok());
    CHECK(trace::evtchn_hash(b, 2) != with_ipi);
    REQUIRE(evtchn_close(*b0, *shared, 1, b1.get()).ok());
    CHECK(trace::evtchn_hash(b, 2) != with_ipi);
    // Domain order and presence are part of it; null entries are skipped.
    const EvtchnTable* swapped[] = {a1.get(), a0.get()};
    CHECK(trace::evtchn_hash(swapped, 2) != base);
    const EvtchnTable* with_null[] = {a0.get(), nullptr, a1.get()};
    CHECK(trace::evtchn_hash(with_null, 3) == base);
}

TEST_CASE("state hash: event-channel hash follows FORMAT.md word by word", "[trace][hash]") {
    auto t = std::make_unique<EvtchnTable>(3, 2);
    REQUIRE(t->alloc_unbound(0).ok()); // port 1
    REQUIRE(t->bind_ipi(1).ok());      // port 2
    std::vector<u64> words = {3u | 2u << 16};
    for (u32 p = 0; p < 3; p++) {
        const PortRecord& r = t->record(p);
        words.push_back(u64{3} | u64{p} << 16 | u64(u8(r.state)) << 48 | u64{r.virq} << 56);
        words.push_back(u64{r.notify_vcpu} | u64{r.remote_dom} << 16 | u64{r.remote_port} << 32);
    }
    words.push_back(1);
    const EvtchnTable* tables[] = {t.get()};
    REQUIRE(trace::evtchn_hash(tables, 1) == reference_hash(words));
}
