// Foreign mappings (docs/pv-abi.md §4.4, mmu_update's FD): an L1 entry may
// name another domain's frames when the caller says whose frames they are;
// the references are then held on that domain's frame and released like
// any other, and nothing else about the L1 rules changes.
#include "test_mm_fixture.hpp"

using namespace mmtest;

namespace {

constexpr u64 kL4 = 10, kL3 = 11, kL2 = 12, kL1 = 13;
constexpr u64 kForeign = kOtherDomFrame;

void build_tree(World& w) {
    w.page(kL4)[0] = make_pte(kL3, kRW);
    w.page(kL3)[0] = make_pte(kL2, kRW);
    w.page(kL2)[0] = make_pte(kL1, kRW);
    REQUIRE(w.pt.pin(kL4, FrameType::L4, w.dom).ok());
}

u64 maddr(u64 mfn, unsigned index) {
    return (mfn << kPageShift) + index * sizeof(u64);
}

} // namespace

TEST_CASE("foreign: an L1 entry maps the named domain's frame", "[mm][foreign]") {
    World w;
    build_tree(w);
    // Without FD the other domain's frame is refused.
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kForeign, kRW), w.dom).error() == XEN_EBUSY);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kForeign, kRW), w.dom, false, kOtherDom).ok());
    REQUIRE(w.fi(kForeign).ref_count == 1);
    REQUIRE(w.fi(kForeign).type_count == 1);
    REQUIRE(w.fi(kForeign).type == FrameType::Writable);
    REQUIRE(w.pt.mod_l1_entry(kL1, 1, make_pte(kForeign, kRO), w.dom, false, kOtherDom).ok());
    REQUIRE(w.fi(kForeign).ref_count == 2);
    // Unmapping needs no owner: each entry releases what it held.
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, 0, w.dom).ok());
    REQUIRE(w.pt.mod_l1_entry(kL1, 1, 0, w.dom, false, kOtherDom).ok());
    REQUIRE(w.pt.unpin(kL4, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("foreign: FD names whose frames, not an extra allowance", "[mm][foreign]") {
    World w;
    build_tree(w);
    // With FD = other domain the caller's own frame is not that domain's.
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRW), w.dom, false, kOtherDom).error() ==
            XEN_EBUSY);
    // A hypervisor page shared with the caller is not mappable as foreign,
    // and one shared with the caller is not the other domain's either.
    REQUIRE(
        w.pt.mod_l1_entry(kL1, 0, make_pte(kSharedFrame, kRO), w.dom, false, kOtherDom).error() ==
        XEN_EBUSY);
    REQUIRE(w.frames.share_with(kSharedFrame, kOtherDom));
    REQUIRE(
        w.pt.mod_l1_entry(kL1, 0, make_pte(kSharedFrame, kRO), w.dom, false, kOtherDom).error() ==
        XEN_EBUSY);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kHypervisorFrame, kRO), w.dom, false, kOtherDom)
                .error() == XEN_EBUSY);
    REQUIRE(w.page(kL1)[0] == 0);
    REQUIRE(w.pt.unpin(kL4, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("foreign: the other domain's page table is mappable read-only only", "[mm][foreign]") {
    World w;
    build_tree(w);
    DomainMm other;
    other.id = kOtherDom;
    REQUIRE(w.pt.pin(kForeign, FrameType::L1, other).ok());
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kForeign, kRW), w.dom, false, kOtherDom).error() ==
            XEN_EBUSY);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kForeign, kRO), w.dom, false, kOtherDom).ok());
    // And a frame foreign-mapped writable cannot become the owner's table.
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, 0, w.dom).ok());
    REQUIRE(w.pt.unpin(kForeign, other).ok());
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kForeign, kRW), w.dom, false, kOtherDom).ok());
    REQUIRE(w.pt.pin(kForeign, FrameType::L1, other).error() == XEN_EINVAL);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, 0, w.dom).ok());
    REQUIRE(w.pt.unpin(kL4, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("foreign: only L1 entries through update_pt_entry", "[mm][foreign]") {
    World w;
    build_tree(w);
    REQUIRE(
        w.pt.update_pt_entry(maddr(kL1, 5), make_pte(kForeign, kRW), w.dom, false, kOtherDom).ok());
    REQUIRE(w.fi(kForeign).ref_count == 1);
    // Upper levels never link another domain's frames, not even the
    // caller's own tables when FD names someone else.
    REQUIRE(
        w.pt.update_pt_entry(maddr(kL2, 1), make_pte(14, kRW), w.dom, false, kOtherDom).error() ==
        XEN_EINVAL);
    REQUIRE(w.pt.update_pt_entry(maddr(kL4, 1), 0, w.dom, false, kOtherDom).error() == XEN_EINVAL);
    REQUIRE(w.pt.update_pt_entry(maddr(kL1, 5), 0, w.dom, false).ok());
    REQUIRE(w.pt.unpin(kL4, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("foreign: the owner giving the frame back waits for the mapping", "[mm][foreign]") {
    World w;
    build_tree(w);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kForeign, kRW), w.dom, false, kOtherDom).ok());
    auto removed = w.pt.remove_page(kForeign, kOtherDom);
    REQUIRE(removed.ok());
    REQUIRE_FALSE(*removed); // still mapped: freed by the last reference
    REQUIRE(w.fi(kForeign).owner == kOtherDom);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, 0, w.dom).ok());
    REQUIRE(w.fi(kForeign).owner == kOwnerFree);
    REQUIRE(w.pt.unpin(kL4, w.dom).ok());
    w.require_all_released();
}
