// The I/O rings panel's model over snapshots read by introspect's ring
// reader from a synthetic machine image: a domU with a console page and a
// block frontend (store-page Announce, granted ring), its indices moved
// between reads, across the 2^32 wrap of the free-running counters.
#include "gui/model/rings_view.hpp"

#include "tests/introspect/synthetic_image.hpp"

#include "introspect/lib/target.hpp"

#include <catch2/catch.hpp>

using namespace glass;
using namespace glass::gui;
using glass::test::SyntheticImage;

namespace {

constexpr u64 kConsole = 0x4f0, kStore = 0x500, kRing = 0x501;

class Machine {
  public:
    Machine() {
        img.add_domain(0, 0x400, 1, 100, 1);
        u64 d1 = img.add_domain(1, 0x402, 1, 100, 1);
        img.put<u64>(d1 + img.offset("Domain.console_mfn"), kConsole);
        img.put<u32>(d1 + img.offset("Domain.console_port"), 1);
        img.put<u64>(d1 + img.offset("Domain.store_mfn"), kStore);
        img.put<u32>(d1 + img.offset("Domain.store_port"), 2);
        u64 g1 = img.add_grants(1, 0x420, 0x510, 0x512);
        img.set_grant(g1, 1, 1, 0, kStore);
        img.set_grant(g1, 8, 1, 0, kRing);
        img.set_active(g1, 8, 1, 0, kRing);
        // Announce (guest/blk/connect.hpp): magic, connected, ring ref 8, port 3.
        img.put<u32>(kStore * 4096, 0x4b424847);
        img.put<u32>(kStore * 4096 + 4, 2);
        img.put<u32>(kStore * 4096 + 8, 8);
        img.put<u32>(kStore * 4096 + 12, 3);
        for (u32 slot = 0; slot < 32; slot++) { // every slot a write of 8 sectors
            u64 at = kRing * 4096 + 64 + 112 * slot;
            img.put<u8>(at, 1);
            img.put<u8>(at + 1, 2);
            img.put<u64>(at + 8, 1000 + slot);
            img.put<u64>(at + 16, 8 * slot);
        }
    }
    void blk(u32 req_prod, u32 rsp_prod) {
        img.put<u32>(kRing * 4096, req_prod);
        img.put<u32>(kRing * 4096 + 4, req_prod + 1); // req_event
        img.put<u32>(kRing * 4096 + 8, rsp_prod);
        img.put<u32>(kRing * 4096 + 12, rsp_prod + 1); // rsp_event
    }
    void console(u32 in_cons, u32 in_prod, u32 out_cons, u32 out_prod) {
        u64 idx = kConsole * 4096 + 3072;
        img.put<u32>(idx, in_cons);
        img.put<u32>(idx + 4, in_prod);
        img.put<u32>(idx + 8, out_cons);
        img.put<u32>(idx + 12, out_prod);
    }
    RingsSnapshot read(u16 dom = 1) {
        auto t = Target::attach(img.memory(), SyntheticImage::kRootPhys);
        REQUIRE(t.ok());
        auto s = read_rings(*t, dom);
        REQUIRE(s.ok());
        return *s;
    }
    SyntheticImage img;
};

const RingView& kind(const RingsView& v, const std::string& k) {
    for (const RingView& r : v.rings())
        if (r.ring.kind == k && !r.circles.empty()) return r;
    FAIL("no " << k << " ring with indices");
    return v.rings().front();
}

const IndexMark& named(const CircleView& c, const std::string& n) {
    for (const IndexMark& m : c.marks)
        if (m.name == n) return m;
    FAIL("no index " << n);
    return c.marks.front();
}

std::vector<u32> filled(const CircleView& c) {
    std::vector<u32> out;
    for (u32 i = 0; i < c.fill.size(); i++)
        if (c.fill[i] > 0) out.push_back(i);
    return out;
}

} // namespace

TEST_CASE("a block ring's indices point at slots and move across the u32 wrap", "[gui][rings]") {
    Machine m;
    m.console(0, 0, 0, 0);
    m.blk(0xFFFFFFFEu, 0xFFFFFFFCu); // two outstanding, in slots 28 and 29
    RingsView v;
    v.update(m.read(), 10.0);
    const CircleView* c = &kind(v, "blkif").circles.at(0);
    CHECK(c->name == "requests");
    CHECK(c->size == 32);
    CHECK(c->per_cell == 1);
    CHECK(c->outstanding == 2);
    CHECK(filled(*c) == std::vector<u32>{28, 29});
    CHECK(named(*c, "req_prod").role == IndexMark::Role::Producer);
    CHECK(named(*c, "req_prod").slot == 30);
    CHECK(named(*c, "req_prod").fraction == Approx(30.0 / 32));
    CHECK(named(*c, "rsp_prod").role == IndexMark::Role::Consumer);
    CHECK(named(*c, "rsp_prod").slot == 28);
    CHECK(named(*c, "req_event").role == IndexMark::Role::Threshold);
    CHECK_FALSE(named(*c, "req_prod").seen_before);
    CHECK(named(*c, "req_prod").rate == 0);
    const RingSnapshot& ring = kind(v, "blkif").ring;
    REQUIRE(ring.requests.size() == 2);
    CHECK(ring.requests[0].slot == 28);
    CHECK(ring.requests[0].id == 1028);

    // Five more requests, four answered: both counters wrap past 2^32.
    m.blk(3, 0);
    v.update(m.read(), 10.5);
    c = &kind(v, "blkif").circles.at(0);
    CHECK(c->outstanding == 3);
    CHECK(filled(*c) == std::vector<u32>{0, 1, 2});
    CHECK(named(*c, "req_prod").slot == 3);
    CHECK(named(*c, "req_prod").seen_before);
    CHECK(named(*c, "req_prod").moved == 5);
    CHECK(named(*c, "rsp_prod").moved == 4);
    CHECK(named(*c, "req_prod").rate == Approx(10.0)); // 5 in half a second
    CHECK(named(*c, "rsp_prod").rate == Approx(8.0));
    CHECK(kind(v, "blkif").problem.empty());
    REQUIRE(kind(v, "blkif").ring.requests.size() == 3);
    CHECK(kind(v, "blkif").ring.requests[0].index == 0);

    // Idle for longer than the rate window: the rate falls to zero, the
    // totals stay.
    v.update(m.read(), 11.6);
    c = &kind(v, "blkif").circles.at(0);
    CHECK(named(*c, "req_prod").moved == 0);
    CHECK(named(*c, "req_prod").total == 5);
    CHECK(named(*c, "req_prod").rate == 0);

    // An index that goes back is no correct peer's doing.
    m.blk(3, 0xFFFFFFFFu);
    v.update(m.read(), 12.0);
    CHECK(kind(v, "blkif").problem == "rsp_prod went back by 1 (indices only move forward)");
    CHECK(named(kind(v, "blkif").circles.at(0), "rsp_prod").moved == -1);
}

TEST_CASE("console byte rings draw as bucketed circles", "[gui][rings]") {
    Machine m;
    m.blk(0, 0);
    // in: 30 unread bytes across the 1024-byte wrap; out: 2048 bytes
    // (full), consumer just below 2^32.
    m.console(1000, 1030, 0xFFFFFF00u, 0xFFFFFF00u + 2048);
    RingsView v;
    v.update(m.read(), 1.0);
    const RingView& r = kind(v, "console");
    REQUIRE(r.circles.size() == 2);
    const CircleView& in = r.circles[0];
    CHECK(in.name == "in");
    CHECK(in.size == 1024);
    CHECK(in.per_cell == 16);
    REQUIRE(in.fill.size() == 64);
    CHECK(filled(in) == std::vector<u32>{0, 62, 63}); // bytes 1000..1023, 0..5
    CHECK(in.fill[62] == Approx(8.0 / 16));           // bytes 1000..1007 of 992..1007
    CHECK(in.fill[63] == Approx(1.0));
    CHECK(in.fill[0] == Approx(6.0 / 16));
    CHECK(named(in, "in_prod").slot == 1030 % 1024);
    const CircleView& out = r.circles[1];
    CHECK(out.size == 2048);
    CHECK(out.per_cell == 32);
    CHECK(out.outstanding == 2048);
    CHECK(filled(out).size() == 64);
    CHECK(named(out, "out_cons").slot == 0xFFFFFF00u % 2048);
    CHECK(r.problem.empty());

    // The guest writes 256 bytes and the reader takes as many, wrapping.
    m.console(1000, 1030, 0xFFFFFF00u + 256, 0xFFFFFF00u + 2048 + 256);
    v.update(m.read(), 1.25);
    const CircleView& out2 = kind(v, "console").circles[1];
    CHECK(named(out2, "out_prod").moved == 256);
    CHECK(named(out2, "out_prod").rate == Approx(1024.0));
    CHECK(named(out2, "out_cons").value == 0u); // wrapped to 0
    CHECK(named(out2, "out_cons").moved == 256);
    CHECK(named(out2, "out_cons").slot == 0u);
}

TEST_CASE("a domain's store page without a block frontend is two byte rings; another domain "
          "starts afresh",
          "[gui][rings]") {
    Machine m;
    m.blk(4, 2);
    m.console(0, 0, 0, 0);
    RingsView v;
    v.update(m.read(), 1.0);
    m.blk(6, 6);
    v.update(m.read(), 2.0);
    CHECK(named(kind(v, "blkif").circles.at(0), "req_prod").moved == 2);

    m.img.put<u32>(kStore * 4096, 0);            // no Announce: a plain store ring
    m.img.put<u32>(kStore * 4096 + 2048 + 4, 7); // req_prod: 7 bytes of request
    v.update(m.read(), 3.0);
    const RingView& s = kind(v, "store");
    REQUIRE(s.circles.size() == 2);
    CHECK(s.circles[0].name == "req");
    CHECK(s.circles[0].outstanding == 7);
    CHECK(filled(s.circles[0]) == std::vector<u32>{0});
    CHECK(s.circles[1].name == "rsp");

    v.update(m.read(0), 4.0); // domain 0: no rings
    CHECK(v.domid() == 0);
    CHECK(v.rings().empty());
    m.blk(9, 9);
    m.img.put<u32>(kStore * 4096, 0x4b424847);
    v.update(m.read(), 5.0);
    CHECK_FALSE(named(kind(v, "blkif").circles.at(0), "req_prod").seen_before);
}
