// The introspect library against synthetic memory images: attaching,
// reading domains, frames, page tables and event channels by the published
// layout, the consistency protocol, and snapshot diffs.
#include "synthetic_image.hpp"

#include "introspect/lib/diff.hpp"
#include "introspect/lib/domains.hpp"
#include "introspect/lib/evtchn.hpp"
#include "introspect/lib/frames.hpp"
#include "introspect/lib/grants.hpp"
#include "introspect/lib/rings.hpp"
#include "introspect/lib/sched.hpp"
#include "introspect/lib/target.hpp"
#include "introspect/lib/walk.hpp"

#include <catch2/catch.hpp>

using namespace glass;
using glass::test::SyntheticImage;

namespace {
constexpr u64 P = 1, RW = 2, US = 4, PS = 0x80;

Target attach(const SyntheticImage& img, std::optional<u64> at = SyntheticImage::kRootPhys) {
    auto t = Target::attach(img.memory(), at);
    REQUIRE(t.ok());
    return *t;
}
} // namespace

TEST_CASE("attach finds the root by scanning and by address", "[introspect]") {
    SyntheticImage img;
    auto scanned = Target::attach(img.memory(), std::nullopt);
    REQUIRE(scanned.ok());
    CHECK(scanned->root_phys() == SyntheticImage::kRootPhys);
    CHECK(Target::attach(img.memory(), SyntheticImage::kRootPhys).ok());
}

TEST_CASE("attach refuses a broken, stale or foreign root with a reason", "[introspect]") {
    SyntheticImage img;
    SECTION("nothing there") {
        auto t = Target::attach(img.memory(), 0x300000);
        REQUIRE_FALSE(t.ok());
        CHECK_THAT(t.error(), Catch::Contains("no introspection root"));
    }
    SECTION("checksum") {
        img.root().nr_frames++;
        auto t = Target::attach(img.memory(), SyntheticImage::kRootPhys);
        REQUIRE_FALSE(t.ok());
        CHECK_THAT(t.error(), Catch::Contains("checksum"));
    }
    SECTION("a copy elsewhere is not the root") {
        img.root().self_phys = 0x100000;
        img.seal();
        CHECK_THAT(Target::attach(img.memory(), SyntheticImage::kRootPhys).error(),
                   Catch::Contains("stale"));
        CHECK_FALSE(Target::attach(img.memory(), std::nullopt).ok());
    }
    SECTION("version") {
        img.root().version = 99;
        img.seal();
        CHECK_THAT(Target::attach(img.memory(), SyntheticImage::kRootPhys).error(),
                   Catch::Contains("version 99"));
    }
    SECTION("a missing field") {
        std::strcpy(img.root().fields[1].name, "Domain.renamed");
        img.seal();
        CHECK_THAT(Target::attach(img.memory(), SyntheticImage::kRootPhys).error(),
                   Catch::Contains("Domain.id"));
    }
}

TEST_CASE("RAM above 4 GiB follows the low part in the backend", "[introspect]") {
    std::vector<u8> bytes(3 * kPageSize);
    MachineMemory m(bytes.data(), bytes.size(), 2 * kPageSize);
    CHECK(m.at(0, kPageSize) == bytes.data());
    CHECK(m.at(kPageSize, 2 * kPageSize) == nullptr); // runs into the hole
    CHECK(m.at(2 * kPageSize, 8) == nullptr);         // the hole
    CHECK(m.at(MachineMemory::kHighBase, 8) == bytes.data() + 2 * kPageSize);
    CHECK(m.at(MachineMemory::kHighBase + kPageSize, 1) == nullptr);
}

TEST_CASE("domains are read by the published layout", "[introspect]") {
    SyntheticImage img;
    u64 d0 = img.add_domain(0, 0x400, 1, 4096, 2);
    img.set_vcpu(d0, 0, 2, 0x500, 0xffffffff80001000);
    u64 d3 = img.add_domain(3, 0x402, 2, 1024, 1);
    img.set_vcpu(d3, 0, 0, 0x600, 0);
    Target t = attach(img);
    auto s = read_domains(t);
    REQUIRE(s.ok());
    CHECK(s->stamp.consistent);
    REQUIRE(s->domains.size() == 2);
    const DomainSnapshot& a = s->domains[0];
    CHECK(a.id == 0);
    CHECK(a.state == "running");
    CHECK(a.nr_pages == 4096);
    CHECK(a.cmdline == "spin");
    CHECK(a.weight == 256);
    REQUIRE(a.vcpus.size() == 2);
    CHECK(a.vcpus[0].state == "running");
    CHECK(a.vcpus[0].kernel_l4_mfn == 0x500);
    CHECK(a.vcpus[0].reg("rip") == 0xffffffff80001000);
    CHECK(s->find(3)->state == "paused");
    CHECK(s->find(3)->vcpus[0].state == "offline");
    CHECK(s->find(1) == nullptr);
}

TEST_CASE("a read overlapping hypervisor work is retried, then marked torn", "[introspect]") {
    SyntheticImage img;
    img.add_domain(0, 0x400, 1, 4096, 1);
    SECTION("lock held") {
        img.put<u32>(SyntheticImage::kLockPhys, 8); // next
        img.put<u32>(SyntheticImage::kLockPhys + 4, 7);
        Target t = attach(img);
        auto s = read_domains(t);
        REQUIRE(s.ok());
        CHECK_FALSE(s->stamp.consistent);
        CHECK(s->stamp.attempts > 1);
    }
    SECTION("domain registry changing (odd generation)") {
        img.root().generation = 5;
        Target t = attach(img);
        CHECK_FALSE(read_domains(t)->stamp.consistent);
    }
    SECTION("lock free, generation even") {
        img.put<u32>(SyntheticImage::kLockPhys, 9);
        img.put<u32>(SyntheticImage::kLockPhys + 4, 9);
        img.root().generation = 6;
        Target t = attach(img);
        auto s = read_domains(t);
        CHECK(s->stamp.consistent);
        CHECK(s->stamp.attempts == 1);
        CHECK(s->stamp.generation == 6);
    }
}

TEST_CASE("frame counts per class add up to all frames", "[introspect]") {
    SyntheticImage img;
    for (u64 m = 0x800; m < 0x900; m++)
        img.frame(m).owner = 1;
    img.frame(0x800) = {1, 1, 1, 0, mm::FrameType::L4, mm::kFramePinned, 0};
    img.frame(0x801) = {1, 1, 1, 0, mm::FrameType::L1, 0, 0};
    img.frame(0x802) = {1, 0, 1, 0, mm::FrameType::L1, 0, 0}; // last type, no count
    img.frame(0x803) = {2, 2, 1, 0, mm::FrameType::Writable, 0, 0};
    img.frame(0xFF0).owner = mm::kOwnerIo;
    Target t = attach(img);
    FrameSnapshot s = read_frames(t);
    REQUIRE(s.frames.size() == img.nr_frames());
    CHECK(s.stamp.consistent);
    FrameCounts c = count_frames(s);
    u64 sum = 0;
    for (u64 n : c.by_class)
        sum += n;
    CHECK(sum == img.nr_frames());
    CHECK(c.by_class[unsigned(FrameClass::L4)] == 1);
    CHECK(c.by_class[unsigned(FrameClass::L1)] == 1);
    CHECK(c.by_class[unsigned(FrameClass::Writable)] == 1);
    CHECK(c.by_class[unsigned(FrameClass::Ram)] == 0x100 - 3);
    CHECK(c.by_class[unsigned(FrameClass::Io)] == 1);
    CHECK(c.pinned == 1);
    FrameFilter l1{FrameClass::L1, u16(1), false};
    CHECK(list_frames(s, l1) == std::vector<u64>{0x801});
    FrameFilter other_owner{std::nullopt, u16(2), false};
    CHECK(count_frames(s, other_owner).total == 0);
    CHECK(frame_class_from_name("l1") == FrameClass::L1);
    CHECK_FALSE(frame_class_from_name("l5"));
}

TEST_CASE("page-table walks report every level and the frame reached", "[introspect]") {
    SyntheticImage img;
    // L4 0x800 -> L3 0x801 -> L2 0x802 -> L1 0x803 -> frame 0x900 for va;
    // L2[1] maps a 2 MiB superpage at machine 0x400000.
    u64 va = 0xffffffff80001000ull;
    unsigned i4 = (va >> 39) & 511, i3 = (va >> 30) & 511, i2 = (va >> 21) & 511,
             i1 = (va >> 12) & 511;
    img.put<u64>(0x800000 + 8 * i4, 0x801000 | P | RW | US);
    img.put<u64>(0x801000 + 8 * i3, 0x802000 | P | RW | US);
    img.put<u64>(0x802000 + 8 * i2, 0x803000 | P | RW | US);
    img.put<u64>(0x803000 + 8 * i1, 0x900000 | P | US);
    img.put<u64>(0x802000 + 8 * (i2 + 1), 0x400000 | P | RW | US | PS);
    Target t = attach(img);

    auto r = walk(t, 0x800, va + 0x123);
    REQUIRE(r.ok());
    REQUIRE(r->mapped);
    REQUIRE(r->steps.size() == 4);
    CHECK(r->steps[0].table_mfn == 0x800);
    CHECK(r->steps[3].index == i1);
    CHECK(r->mfn == 0x900);
    CHECK(r->maddr == 0x900123);
    CHECK_FALSE(r->writable);
    CHECK(r->page_size == 4096);

    auto big = walk(t, 0x800, va + (1u << 21) + 0x5000);
    REQUIRE(big.ok());
    CHECK(big->page_size == 2u << 20);
    CHECK(big->steps.size() == 3);
    CHECK(big->mfn == 0x400 + 5 + 1); // va's offset in the 2 MiB page is 0x6000
    CHECK(pte_flags(big->steps[2].entry, 2) == "PWU--S--");

    auto none = walk(t, 0x800, 0x1000);
    REQUIRE(none.ok());
    CHECK_FALSE(none->mapped);
    CHECK(none->why_unmapped == "L4 entry 0 not present");
    CHECK_FALSE(walk(t, 0x800, 0x0000900000000000ull).ok()); // non-canonical

    // Reverse: only active page tables are searched.
    img.frame(0x800) = {1, 1, 1, 0, mm::FrameType::L4, 0, 0};
    img.frame(0x801) = {1, 1, 1, 0, mm::FrameType::L3, 0, 0};
    img.frame(0x802) = {1, 1, 1, 0, mm::FrameType::L2, 0, 0};
    img.frame(0x803) = {1, 1, 1, 0, mm::FrameType::L1, 0, 0};
    FrameSnapshot frames = read_frames(t);
    auto refs = reverse_lookup(t, frames, 0x900);
    REQUIRE(refs.size() == 1);
    CHECK(refs[0].table_mfn == 0x803);
    CHECK(refs[0].index == i1);
    auto in_super = reverse_lookup(t, frames, 0x4a0);
    REQUIRE(in_super.size() == 1);
    CHECK(in_super[0].level == 2);
    CHECK(reverse_lookup(t, frames, 0x803).size() == 1); // referenced as an L1 by the L2
}

TEST_CASE("event channels: bindings from the table, bits from shared_info", "[introspect]") {
    SyntheticImage img;
    u64 d = img.add_domain(1, 0x400, 1, 4096, 1);
    u64 ev = img.add_evtchn(d, 0x410);
    img.put<u64>(d + img.offset("Domain.shared_info_mfn"), 0x420);
    img.set_port(ev, 0, 1, 0, 0);
    img.set_port(ev, 1, 4, 3, 0);
    img.set_port(ev, 65, 2, 0, 0);
    img.put<u64>(0x420000 + 2048 + 8, 1ull << 1); // port 65 pending
    img.put<u64>(0x420000 + 2560, 1ull << 1);     // port 1 masked
    img.put<u8>(0x420000 + 0, 1);                 // vcpu 0 upcall pending
    Target t = attach(img);
    auto s = read_evtchn(t, 1);
    REQUIRE(s.ok());
    REQUIRE(s->ports.size() == 3);
    CHECK(s->ports[1].state == "Virq");
    CHECK(s->ports[1].virq == 3);
    CHECK(s->ports[1].masked);
    CHECK(s->ports[2].port == 65);
    CHECK(s->ports[2].state == "Unbound");
    CHECK(s->ports[2].pending);
    REQUIRE(s->vcpus.size() == 1);
    CHECK(s->vcpus[0].pending);
    CHECK_THAT(read_evtchn(t, 2).error(), Catch::Contains("no such domain 2"));
}

TEST_CASE("snapshot diffs list what changed", "[introspect]") {
    SyntheticImage img;
    u64 d = img.add_domain(0, 0x400, 1, 4096, 1);
    Target t = attach(img);
    auto d0 = read_domains(t);
    FrameSnapshot f0 = read_frames(t);
    img.put<u8>(d + img.offset("Domain.state"), 2);
    img.add_domain(2, 0x402, 0, 16, 1);
    img.frame(0x900) = {1, 1, 0, 0, mm::FrameType::L1, mm::kFramePinned, 0};
    auto d1 = read_domains(t);
    FrameSnapshot f1 = read_frames(t);
    auto dc = diff_domains(*d0, *d1);
    REQUIRE(dc.size() == 2);
    CHECK(dc[0].what == "state running -> paused");
    CHECK(dc[1].id == 2);
    CHECK(dc[1].what == "created");
    auto fc = diff_frames(f0, f1);
    // The new domain's two frames became the hypervisor's, and 0x900 an L1.
    REQUIRE(fc.size() == 3);
    CHECK(fc[2].mfn == 0x900);
    CHECK(classify(fc[2].after) == FrameClass::L1);
}

TEST_CASE("grants, active pins, mappings and the block ring they lead to", "[introspect]") {
    SyntheticImage img;
    u64 d0 = img.add_domain(0, 0x400, 1, 100, 1);
    u64 d1 = img.add_domain(1, 0x402, 1, 100, 1);
    (void)d0;
    constexpr u64 kStore = 0x500, kRing = 0x501, kShared = 0x510, kActive = 0x512;
    img.put<u64>(d1 + img.offset("Domain.store_mfn"), kStore);
    img.put<u32>(d1 + img.offset("Domain.store_port"), 2);
    u64 g1 = img.add_grants(1, 0x420, kShared, kActive);
    img.set_grant(g1, 1, 1, 0, kStore);    // permit_access to d0
    img.set_grant(g1, 8, 1, 0, kRing);     // the ring
    img.set_grant(g1, 9, 1 | 4, 0, 0x777); // read-only data page, not mapped
    img.set_active(g1, 8, 1, 0, kRing);
    u64 g0 = img.add_grants(0, 0x430, 0x514, 0x516);
    img.add_mapping(g0, 3, 2, 1, 8, kRing);
    // Announce (guest/blk/connect.hpp): magic, state connected, ring ref 8, port 3.
    img.put<u32>(kStore * 4096, 0x4b424847);
    img.put<u32>(kStore * 4096 + 4, 2);
    img.put<u32>(kStore * 4096 + 8, 8);
    img.put<u32>(kStore * 4096 + 12, 3);
    // Ring: 5 requests produced, 3 answered; requests 3 and 4 outstanding.
    u64 ring = kRing * 4096;
    img.put<u32>(ring, 5);
    img.put<u32>(ring + 8, 3);
    for (u32 i = 3; i < 5; i++) {
        u64 slot = ring + 64 + 112 * i;
        img.put<u8>(slot, i == 3 ? 1 : 3); // write, flush
        img.put<u8>(slot + 1, i == 3 ? 1 : 0);
        img.put<u64>(slot + 8, 100 + i);
        img.put<u64>(slot + 16, 8 * i);
    }
    Target t = attach(img);

    auto g = read_grants(t, 1);
    REQUIRE(g.ok());
    CHECK(g->version == 1);
    CHECK(g->nr_entries == 512);
    REQUIRE(g->entries.size() == 3);
    const GrantEntrySnapshot* e8 = g->find(8);
    REQUIRE(e8);
    CHECK(e8->type == "permit_access");
    CHECK(e8->active);
    CHECK(e8->host_rw == 1);
    CHECK(e8->active_mfn == kRing);
    CHECK(g->find(9)->readonly);
    CHECK_FALSE(g->find(9)->active);
    auto m = read_grants(t, 0);
    REQUIRE(m.ok());
    REQUIRE(m->mappings.size() == 1);
    CHECK(m->mappings[0].handle == 3);
    CHECK(m->mappings[0].granter == 1);
    CHECK(m->mappings[0].mfn == kRing);

    auto r = read_rings(t, 1);
    REQUIRE(r.ok());
    REQUIRE(r->rings.size() == 2);
    CHECK(r->rings[0].kind == "store");
    const RingSnapshot& b = r->rings[1];
    CHECK(b.kind == "blkif");
    CHECK(b.mfn == kRing);
    CHECK(b.event_port == 3);
    CHECK(b.state == "connected");
    CHECK(b.slots == 32);
    CHECK(b.outstanding == 2);
    CHECK(b.problem.empty());
    REQUIRE(b.requests.size() == 2);
    CHECK(b.requests[0].op == "write");
    CHECK(b.requests[0].id == 103);
    CHECK(b.requests[0].sector == 24);
    CHECK(b.requests[1].op == "flush");
    // One circle of 32 slots, answered end rsp_prod, producing end req_prod.
    REQUIRE(b.spans.size() == 1);
    CHECK(b.spans[0].size == 32);
    CHECK(b.indices[b.spans[0].cons].first == "rsp_prod");
    CHECK(b.indices[b.spans[0].prod].first == "req_prod");

    SECTION("a slot already holding a response is said to be answered") {
        // Response {id 0x5566, op, status}: id's low bytes land on
        // operation 0x66 and nr_segments 0x55.
        img.put<u64>(ring + 64 + 112 * 4, 0x5566);
        auto answered = read_rings(attach(img), 1);
        REQUIRE(answered.ok());
        REQUIRE(answered->rings[1].requests.size() == 2);
        CHECK(answered->rings[1].requests[0].op == "write");
        CHECK(answered->rings[1].requests[1].op == "answered (response not yet published)");
    }
    SECTION("impossible indices are reported, not followed") {
        img.put<u32>(ring, 300);
        auto bad = read_rings(attach(img), 1);
        REQUIRE(bad.ok());
        CHECK(bad->rings[1].problem == "more requests outstanding than slots");
        CHECK(bad->rings[1].requests.empty());
    }
    SECTION("clear errors") {
        CHECK_THAT(read_grants(t, 5).error(), Catch::Contains("no such domain 5"));
        img.put<u64>(SyntheticImage::kGrantSlotsPhys, 0);
        CHECK_THAT(read_grants(attach(img), 0).error(), Catch::Contains("has no grant state"));
        CHECK_THAT(read_rings(t, 7).error(), Catch::Contains("no such domain 7"));
    }
}

TEST_CASE("scheduler statistics from the runstate times", "[introspect]") {
    SyntheticImage img;
    u64 d = img.add_domain(2, 0x400, 1, 100, 1);
    u64 v = d + SyntheticImage::kVcpusAt;
    u64 rs = v + img.offset("Vcpu.runstate") + img.offset("RunstateInfo.time");
    img.put<u64>(rs, 300);      // running
    img.put<u64>(rs + 8, 100);  // runnable
    img.put<u64>(rs + 16, 600); // blocked
    img.put<u64>(v + img.offset("Vcpu.vtime"), 12345);
    Target t = attach(img);
    auto doms = read_domains(t);
    REQUIRE(doms.ok());
    SchedSnapshot s = sched_stats(*doms);
    REQUIRE(s.vcpus.size() == 1);
    CHECK(s.vcpus[0].vtime == 12345);
    CHECK(s.vcpus[0].cpu_share == Approx(0.3));
    CHECK(s.vcpus[0].wait_share == Approx(0.1));
    CHECK(s.domains[0].weight == 256);
    CHECK(s.total_running_ns == 300);
}
