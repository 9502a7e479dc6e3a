// Reference counts of an XTF-like address space: a 1:1 map of the guest's
// first frames in which the page-table frames themselves are mapped
// read-only and everything else writable, as a PV kernel's boot tables are.
#include "test_mm_fixture.hpp"

using namespace mmtest;

namespace {

constexpr u64 kL4 = 1, kL3 = 2, kL2 = 3, kL1a = 4, kL1b = 5;

bool is_table(u64 mfn) {
    return mfn >= kL4 && mfn <= kL1b;
}

void build_identity_map(World& w) {
    w.page(kL4)[0] = make_pte(kL3, kRW);
    w.page(kL3)[0] = make_pte(kL2, kRW);
    w.page(kL2)[0] = make_pte(kL1a, kRW);
    w.page(kL2)[1] = make_pte(kL1b, kRW); // empty, above the 200 mapped frames
    for (u64 mfn = 0; mfn < kGuestFrames; mfn++) {
        if (mfn == kOtherDomFrame) continue;
        w.page(kL1a)[mfn] = make_pte(mfn, is_table(mfn) ? kRO : kRW);
    }
}

} // namespace

TEST_CASE("refcounts: 1:1 map with read-only page tables", "[mm][refcount]") {
    World w;
    build_identity_map(w);
    REQUIRE(w.pt.get_base_pointer(kL4, w.dom).ok());

    for (u64 mfn = 0; mfn < kGuestFrames; mfn++) {
        INFO("mfn " << mfn);
        if (mfn == kOtherDomFrame) continue;
        if (is_table(mfn)) {
            // One mapping in the 1:1 map, one reference from the level above
            // (the base pointer for the L4).
            REQUIRE(w.fi(mfn).ref_count == 2);
            REQUIRE(w.fi(mfn).type_count == 1);
        } else {
            REQUIRE(w.fi(mfn).ref_count == 1);
            REQUIRE(w.fi(mfn).type == FrameType::Writable);
            REQUIRE(w.fi(mfn).type_count == 1);
        }
    }
    REQUIRE(w.fi(kL1b).ref_count == 2); // empty L1 still referenced by L2 slot 1

    SECTION("a data frame becomes an L1 after the guest remaps it read-only") {
        constexpr u64 kNew = 100;
        REQUIRE(w.pt.mod_l2_entry(kL2, 2, make_pte(kNew, kRW), w.dom).error() == XEN_EINVAL);
        REQUIRE(w.pt.mod_l1_entry(kL1a, kNew, make_pte(kNew, kRO), w.dom).ok());
        (void)w.pt.take_flush_request();
        REQUIRE(w.pt.mod_l2_entry(kL2, 2, make_pte(kNew, kRW), w.dom).ok());
        REQUIRE(w.pt.take_flush_request());
        REQUIRE(w.fi(kNew).type == FrameType::L1);
        REQUIRE(w.fi(kNew).ref_count == 2);
        REQUIRE(w.pt.mod_l2_entry(kL2, 2, 0, w.dom).ok());
        REQUIRE(w.fi(kNew).type_count == 0);
    }
    SECTION("the same L1 under two L2 slots holds two type references") {
        REQUIRE(w.pt.mod_l2_entry(kL2, 7, make_pte(kL1a, kRW), w.dom).ok());
        REQUIRE(w.fi(kL1a).type_count == 2);
        REQUIRE(w.fi(kL1a).ref_count == 3);
        REQUIRE(w.pt.mod_l2_entry(kL2, 7, 0, w.dom).ok());
        REQUIRE(w.fi(kL1a).type_count == 1);
    }
    SECTION("dropping the L2 from the L3 releases both L1s and their maps") {
        REQUIRE(w.pt.mod_l3_entry(kL3, 0, 0, w.dom).ok());
        REQUIRE(w.fi(kL2).type_count == 0);
        REQUIRE(w.fi(kL1a).type_count == 0);
        REQUIRE(w.fi(50).ref_count == 0);
        // The 1:1 mapping of the L3 lived in L1a: only the L4's reference remains.
        REQUIRE(w.fi(kL3).ref_count == 1);
    }

    w.pt.put_base_pointer(kL4);
    w.require_all_released();
}
