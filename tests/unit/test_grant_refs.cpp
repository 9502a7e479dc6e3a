// Reference accounting of grant mappings in the typing core (§3.4.13,
// §4.1): each part of a grant mapping holds its own references, the grant
// PTE holds none of its own, and unmap drops exactly what the part took,
// and only while the PTE still is the grant's (xsa-224, xsa-227, xsa-234).
#include "hv/abi/grant_table.hpp"
#include "hv/core/grant/grant_pte.hpp"
#include "test_mm_fixture.hpp"

using namespace mmtest;

namespace {

constexpr u64 kL4 = 1, kL3 = 2, kL2 = 3, kL1 = 4;
constexpr u64 kGranted = 100;   // a data frame, mapped RW in the 1:1 map
constexpr unsigned kSlot = 150; // the VA whose entry the grant replaces

// An XTF-like 1:1 map of frames 0..199 (tables read-only), in use as CR3.
void build(World& w) {
    w.page(kL4)[0] = make_pte(kL3, kRW);
    w.page(kL3)[0] = make_pte(kL2, kRW);
    w.page(kL2)[0] = make_pte(kL1, kRW);
    for (u64 mfn = 0; mfn < kGuestFrames; mfn++)
        if (mfn != kOtherDomFrame)
            w.page(kL1)[mfn] = make_pte(mfn, mfn >= kL4 && mfn <= kL1 ? kRO : kRW);
    REQUIRE(w.pt.get_base_pointer(kL4, w.dom).ok());
}

u64 grant_pte(const World& w, u32 flags) {
    return grant::grant_pte(kGranted, flags, w.dom);
}

} // namespace

TEST_CASE("grant refs: host and device parts each hold their own (xsa-224)", "[grant][mm]") {
    World w;
    build(w);
    REQUIRE(w.fi(kGranted).type_count == 1);

    // map host_map | device_map, writable, at the VA of kSlot.
    REQUIRE(w.pt.get_grant_ref(kGranted, kDom, true).ok()); // device part
    REQUIRE(w.pt.get_grant_ref(kGranted, kDom, true).ok()); // host part
    REQUIRE(w.pt.install_grant_pte(kL1, kSlot, grant_pte(w, xen::GNTMAP_host_map), w.dom).ok());
    REQUIRE(w.fi(kGranted).ref_count == 3);
    REQUIRE(w.fi(kGranted).type_count == 3);
    REQUIRE(w.fi(kSlot).ref_count == 0); // the replaced entry was released
    REQUIRE(w.fi(kSlot).type_count == 0);

    // unmap the host part, then the device part: one pair of references each.
    REQUIRE(w.pt.replace_grant_pte(kL1, kSlot, kGranted, true, 0, w.dom).ok());
    REQUIRE(w.page(kL1)[kSlot] == 0);
    w.pt.put_grant_ref(kGranted, true);
    REQUIRE(w.fi(kGranted).type_count == 2);
    w.pt.put_grant_ref(kGranted, true);
    REQUIRE(w.fi(kGranted).ref_count == 1);
    REQUIRE(w.fi(kGranted).type_count == 1);
    // Still mapped writable in the 1:1 map: it cannot become a page table.
    REQUIRE(w.pt.pin(kGranted, FrameType::L1, w.dom).error() == XEN_EINVAL);
}

TEST_CASE("grant refs: a read-only grant takes no writable reference", "[grant][mm]") {
    World w;
    build(w);
    REQUIRE(w.pt.mod_l1_entry(kL1, kGranted, make_pte(kGranted, kRO), w.dom).ok());
    REQUIRE(w.pt.get_grant_ref(kGranted, kDom, false).ok());
    REQUIRE(w.pt.install_grant_pte(kL1, kSlot,
                                   grant_pte(w, xen::GNTMAP_host_map | xen::GNTMAP_readonly), w.dom)
                .ok());
    REQUIRE(w.fi(kGranted).type_count == 0);
    REQUIRE(w.fi(kGranted).ref_count == 2);
    // Read-only everywhere: it may become a page table meanwhile.
    REQUIRE(w.pt.pin(kGranted, FrameType::L1, w.dom).ok());
    REQUIRE(w.pt.unpin(kGranted, w.dom).ok());
}

TEST_CASE("grant refs: frames that cannot be granted writable", "[grant][mm]") {
    World w;
    build(w);
    // A page table: no writable reference, and nothing leaks.
    u32 refs = w.fi(kL1).ref_count;
    REQUIRE_FALSE(w.pt.get_grant_ref(kL1, kDom, true).ok());
    REQUIRE(w.fi(kL1).ref_count == refs);
    // Another domain's frame, a shared hypervisor frame, MMIO.
    REQUIRE_FALSE(w.pt.get_grant_ref(kOtherDomFrame, kDom, false).ok());
    REQUIRE_FALSE(w.pt.get_grant_ref(kSharedFrame, kDom, false).ok());
    REQUIRE_FALSE(w.pt.get_grant_ref(kMmioFrame, kDom, false).ok());
}

TEST_CASE("grant refs: the PTE must be written into a live L1 (xsa-227)", "[grant][mm]") {
    World w;
    build(w);
    u64 pte = grant_pte(w, xen::GNTMAP_host_map);
    REQUIRE(w.pt.install_grant_pte(kL2, 5, pte, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.pt.install_grant_pte(kGranted, 5, pte, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.pt.install_grant_pte(kSharedFrame, 5, pte, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.pt.install_grant_pte(kL1, kEntriesPerTable, pte, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.page(kGranted)[5] == 0);
}

TEST_CASE("grant refs: unmap checks the PTE still is the grant's (xsa-234)", "[grant][mm]") {
    World w;
    build(w);
    constexpr unsigned kOther = 151;
    REQUIRE(w.pt.get_grant_ref(kGranted, kDom, true).ok());
    REQUIRE(w.pt.install_grant_pte(kL1, kSlot, grant_pte(w, xen::GNTMAP_host_map), w.dom).ok());
    u32 types = w.fi(kGranted).type_count;

    SECTION("unmap_and_replace moves the grant PTE with its references") {
        auto stolen = w.pt.steal_l1_entry(kL1, kSlot, w.dom);
        REQUIRE(stolen.ok());
        REQUIRE(w.page(kL1)[kSlot] == 0);
        // Put it where another entry was: that one must have been a grant of
        // kOther's frame read-only; as a plain RW map entry the check fails.
        REQUIRE(w.pt.replace_grant_pte(kL1, kOther, kOther, false, *stolen, w.dom).error() ==
                XEN_EINVAL);
        REQUIRE(w.pt.replace_grant_pte(kL1, kOther, kOther, true, *stolen, w.dom).ok());
        REQUIRE(w.fi(kGranted).type_count == types);
        // The guest re-maps the old VA read-only: the unmap of the grant at
        // that VA sees RW differ and drops nothing.
        REQUIRE(w.pt.mod_l1_entry(kL1, kSlot, make_pte(kGranted, kRO), w.dom).ok());
        REQUIRE(w.pt.replace_grant_pte(kL1, kSlot, kGranted, true, 0, w.dom).error() == XEN_EINVAL);
        REQUIRE(w.fi(kGranted).type_count == types);
        REQUIRE(w.pt.pin(kGranted, FrameType::L1, w.dom).error() == XEN_EINVAL);
    }
    SECTION("a guest overwrite releases the grant PTE like any entry") {
        REQUIRE(w.pt.mod_l1_entry(kL1, kSlot, 0, w.dom).ok());
        REQUIRE(w.fi(kGranted).type_count == types - 1);
        REQUIRE(w.pt.replace_grant_pte(kL1, kSlot, kGranted, true, 0, w.dom).error() == XEN_EINVAL);
    }
    SECTION("a stolen entry that cannot be placed is released") {
        auto stolen = w.pt.steal_l1_entry(kL1, kSlot, w.dom);
        REQUIRE(stolen.ok());
        w.pt.put_l1_entry(*stolen);
        REQUIRE(w.fi(kGranted).type_count == types - 1);
    }
}
