// The portable grant core: entry checks, the GTF_reading/GTF_writing flags
// kept while a grant is pinned, version switching and status frames
// (docs/pv-abi.md §3.4.13, xsa-255), and maptrack handles.
#include "hv/core/grant/grant_pte.hpp"
#include "hv/core/grant/maptrack.hpp"
#include "test_grant_fixture.hpp"

using namespace granttest;
using namespace xen;

namespace {

constexpr u64 kData = 100; // a guest data frame to grant
constexpr u16 kPeer = kOtherDom;
constexpr u32 kHostRw = GNTMAP_host_map;
constexpr u32 kHostRo = GNTMAP_host_map | GNTMAP_readonly;
constexpr u32 kDevRw = GNTMAP_device_map;

void grant_v1(GrantWorld& w, u32 ref, u16 to, u64 frame, u16 extra = 0) {
    w.v1(ref) =
        GrantEntryV1{static_cast<u16>(GTF_permit_access | extra), to, static_cast<u32>(frame)};
}

} // namespace

TEST_CASE("grant: setup grows the table and shares its frames", "[grant]") {
    GrantWorld w;
    REQUIRE(w.gt.version() == 1);
    REQUIRE(w.gt.nr_frames() == 0);
    REQUIRE(w.gt.grow(2).ok());
    REQUIRE(w.gt.nr_frames() == 2);
    REQUIRE(w.gt.nr_entries() == 1024);
    REQUIRE(w.frames.shared_with(w.gt.shared_mfn(0), kDom));
    REQUIRE(w.frames.shared_with(w.gt.shared_mfn(1), kDom));
    REQUIRE(w.gt.grow(1).ok()); // never shrinks
    REQUIRE(w.gt.nr_frames() == 2);
    REQUIRE(w.gt.grow(grant::kMaxFrames + 1).error() == XEN_EINVAL);
}

TEST_CASE("grant: entry checks on pin", "[grant]") {
    GrantWorld w;
    REQUIRE(w.gt.grow(1).ok());
    u64 mfn = 0;

    SECTION("a ref beyond the table") {
        REQUIRE(w.gt.pin(512, kPeer, kHostRw, &mfn) == GNTST_bad_gntref);
    }
    SECTION("an entry without GTF_permit_access") {
        w.v1(8) = GrantEntryV1{0, kPeer, kData};
        REQUIRE(w.gt.pin(8, kPeer, kHostRw, &mfn) == GNTST_general_error);
        REQUIRE(w.v1(8).flags == 0);
    }
    SECTION("an entry naming another domain") {
        grant_v1(w, 8, kPeer, kData);
        REQUIRE(w.gt.pin(8, kDom, kHostRw, &mfn) == GNTST_general_error);
        REQUIRE((w.v1(8).flags & (GTF_reading | GTF_writing)) == 0);
    }
    SECTION("a read-only entry cannot be pinned writable, but read-only") {
        grant_v1(w, 8, kPeer, kData, GTF_readonly);
        REQUIRE(w.gt.pin(8, kPeer, kHostRw, &mfn) == GNTST_general_error);
        REQUIRE(w.gt.pin(8, kPeer, kHostRo, &mfn) == GNTST_okay);
        REQUIRE(mfn == kData);
        REQUIRE(w.v1(8).flags == (GTF_permit_access | GTF_readonly | GTF_reading));
    }
    SECTION("a frame the granter does not own") {
        grant_v1(w, 8, kPeer, kOtherDomFrame);
        REQUIRE(w.gt.pin(8, kPeer, kHostRo, &mfn) == GNTST_bad_page);
        REQUIRE((w.v1(8).flags & GTF_reading) == 0);
    }
    SECTION("a pinned grant stays with the domain that pinned it") {
        grant_v1(w, 8, kPeer, kData);
        REQUIRE(w.gt.pin(8, kPeer, kHostRo, &mfn) == GNTST_okay);
        w.v1(8).domid = 7; // the granter rewrites the entry meanwhile
        REQUIRE(w.gt.pin(8, 7, kHostRo, &mfn) == GNTST_general_error);
    }
}

TEST_CASE("grant: reading/writing flags follow the pins", "[grant]") {
    GrantWorld w;
    REQUIRE(w.gt.grow(1).ok());
    grant_v1(w, 9, kPeer, kData);
    u64 mfn = 0;
    REQUIRE(w.gt.pin(9, kPeer, kHostRo, &mfn) == GNTST_okay);
    REQUIRE(w.v1(9).flags == (GTF_permit_access | GTF_reading));
    REQUIRE(w.gt.pin(9, kPeer, kDevRw, &mfn) == GNTST_okay);
    REQUIRE(w.v1(9).flags == (GTF_permit_access | GTF_reading | GTF_writing));
    // The frame is fixed by the first pin, whatever the entry says later.
    w.v1(9).frame = kData + 1;
    REQUIRE(w.gt.pin(9, kPeer, kHostRw, &mfn) == GNTST_okay);
    REQUIRE(mfn == kData);
    REQUIRE(w.gt.active(9).host_rw == 1);
    REQUIRE(w.gt.mapped_by(kPeer, kData));
    REQUIRE(w.gt.any_pinned());

    w.gt.unpin(9, kHostRw);
    REQUIRE((w.v1(9).flags & GTF_writing) != 0); // the device pin still writes
    w.gt.unpin(9, kDevRw);
    REQUIRE(w.v1(9).flags == (GTF_permit_access | GTF_reading));
    w.gt.unpin(9, kHostRo);
    REQUIRE(w.v1(9).flags == GTF_permit_access);
    REQUIRE_FALSE(w.gt.active(9).pinned());
    REQUIRE_FALSE(w.gt.mapped_by(kPeer, kData));
    REQUIRE_FALSE(w.gt.any_pinned());
}

TEST_CASE("grant: version switching", "[grant]") {
    GrantWorld w;
    REQUIRE(w.gt.grow(1).ok());
    u64 mfn = 0;

    SECTION("only 1 and 2; the same version is a no-op") {
        REQUIRE(w.gt.set_version(0).error() == XEN_EINVAL);
        REQUIRE(w.gt.set_version(3).error() == XEN_EINVAL);
        REQUIRE(w.gt.set_version(1).ok());
        REQUIRE(w.gt.nr_status_frames() == 0);
    }
    SECTION("v2 adds status frames, and so does growing in v2") {
        REQUIRE(w.gt.set_version(2).ok());
        REQUIRE(w.gt.nr_entries() == 256);
        REQUIRE(w.gt.nr_status_frames() == 1);
        REQUIRE(w.frames.shared_with(w.gt.status_mfn(0), kDom));
        REQUIRE(w.gt.grow(9).ok());
        REQUIRE(w.gt.nr_status_frames() == 2);
    }
    SECTION("busy while a non-reserved grant is pinned") {
        grant_v1(w, 8, kPeer, kData);
        REQUIRE(w.gt.pin(8, kPeer, kHostRo, &mfn) == GNTST_okay);
        REQUIRE(w.gt.set_version(2).error() == XEN_EBUSY);
        w.gt.unpin(8, kHostRo);
        REQUIRE(w.gt.set_version(2).ok());
    }
    SECTION("reserved grants survive, pinned, with their status") {
        grant_v1(w, 1, kPeer, kData);
        grant_v1(w, 20, kPeer, kData);
        REQUIRE(w.gt.pin(1, kPeer, kHostRw, &mfn) == GNTST_okay);
        REQUIRE(w.gt.set_version(2).ok());
        REQUIRE(w.v2(1).flags == GTF_permit_access);
        REQUIRE(w.v2(1).domid == kPeer);
        REQUIRE(w.v2(1).frame == kData);
        REQUIRE(w.status(1) == (GTF_reading | GTF_writing));
        REQUIRE(w.v2(20).flags == 0); // everything else is cleared

        w.gt.unpin(1, kHostRw);
        REQUIRE(w.status(1) == 0);
        REQUIRE(w.gt.pin(1, kPeer, kHostRo, &mfn) == GNTST_okay);
        REQUIRE(w.status(1) == GTF_reading);
        REQUIRE(w.gt.set_version(1).ok());
        REQUIRE(w.v1(1).flags == (GTF_permit_access | GTF_reading));
        REQUIRE(w.v1(1).frame == kData);
    }
    SECTION("a v2 reserved entry v1 cannot represent") {
        REQUIRE(w.gt.set_version(2).ok());
        w.v2(2) = GrantEntryV2{GTF_permit_access, kPeer, 0, 1ull << 32};
        REQUIRE(w.gt.set_version(1).error() == XEN_ERANGE);
        REQUIRE(w.gt.version() == 2);
    }
    SECTION("xsa-255: no 2 -> 1 while the guest maps a status frame") {
        REQUIRE(w.gt.set_version(2).ok());
        u64 st = w.gt.status_mfn(0);
        unsigned before = w.frames_in_use();
        REQUIRE(w.pt.get_page(st, kDom).ok()); // the guest's read-only mapping
        REQUIRE(w.gt.set_version(1).error() == XEN_EBUSY);
        REQUIRE(w.gt.version() == 2);
        REQUIRE(w.gt.nr_status_frames() == 1);
        w.pt.put_page(st);
        REQUIRE(w.gt.set_version(1).ok());
        REQUIRE(w.gt.nr_status_frames() == 0);
        REQUIRE(w.frames_in_use() == before - 1); // the status frame went back
    }
}

TEST_CASE("grant: v2 entries and status words", "[grant]") {
    GrantWorld w;
    REQUIRE(w.gt.grow(1).ok());
    REQUIRE(w.gt.set_version(2).ok());
    w.v2(10) = GrantEntryV2{GTF_permit_access, kPeer, 0, kData};
    u64 mfn = 0;
    REQUIRE(w.gt.pin(256, kPeer, kHostRo, &mfn) == GNTST_bad_gntref);
    REQUIRE(w.gt.pin(10, kPeer, kHostRw, &mfn) == GNTST_okay);
    REQUIRE(mfn == kData);
    REQUIRE(w.v2(10).flags == GTF_permit_access); // flags stay the guest's
    REQUIRE(w.status(10) == (GTF_reading | GTF_writing));
    w.gt.unpin(10, kHostRw);
    REQUIRE(w.status(10) == 0);
}

TEST_CASE("grant: release returns every frame", "[grant]") {
    GrantWorld w;
    REQUIRE(w.gt.grow(3).ok());
    REQUIRE(w.gt.set_version(2).ok());
    REQUIRE(w.frames_in_use() == 3 * (1 + grant::kActiveFramesPerFrame) + 1);
    w.gt.release();
    REQUIRE(w.frames_in_use() == 0);
}

TEST_CASE("grant: maptrack handles", "[grant]") {
    auto mt = std::make_unique<grant::Maptrack>();
    REQUIRE_FALSE(mt->alloc(0, 1, kDom).ok()); // a zero entry would read as free
    auto a = mt->alloc(GNTMAP_host_map, 8, kDom);
    auto b = mt->alloc(GNTMAP_device_map, 9, kDom);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(*a != *b);
    REQUIRE(mt->lookup(*a)->ref == 8);
    REQUIRE(mt->lookup(*b)->flags == GNTMAP_device_map);
    REQUIRE(mt->lookup(grant::Maptrack::kEntries) == nullptr);
    REQUIRE(mt->in_use() == 2);

    mt->free(*a);
    REQUIRE(mt->lookup(*a) == nullptr);
    mt->free(*a); // a double free must not put the handle on the list twice
    REQUIRE(mt->in_use() == 1);
    auto c = mt->alloc(GNTMAP_host_map, 10, kDom);
    auto d = mt->alloc(GNTMAP_host_map, 11, kDom);
    REQUIRE(*c == *a); // reused first
    REQUIRE(*d != *c);

    u32 n = mt->in_use();
    while (mt->alloc(GNTMAP_host_map, 0, kDom).ok())
        n++;
    REQUIRE(n == grant::Maptrack::kEntries);
    REQUIRE(mt->alloc(GNTMAP_host_map, 0, kDom).error() == XEN_ENOSPC);
}

TEST_CASE("grant: the PTE of a host mapping", "[grant]") {
    mm::DomainMm d;
    u64 rw = grant::grant_pte(5, GNTMAP_host_map, d);
    REQUIRE(mm::pte_mfn(rw) == 5);
    REQUIRE((rw & (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX)) ==
            (PTE_P | PTE_RW | PTE_A | PTE_D | PTE_NX));
    REQUIRE((rw & PTE_GUEST_KERNEL) != 0); // a kernel mapping
    u64 ro = grant::grant_pte(5, GNTMAP_host_map | GNTMAP_readonly | GNTMAP_application_map, d);
    REQUIRE((ro & PTE_RW) == 0);
    REQUIRE((ro & (PTE_US | PTE_G)) == (PTE_US | PTE_G)); // a user mapping
    REQUIRE((ro & PTE_GUEST_KERNEL) == 0);
    d.nx_available = false;
    REQUIRE((grant::grant_pte(5, GNTMAP_host_map, d) & PTE_NX) == 0);
}
