// Whole-table validation: reference counts of a 4-level tree, the rules of
// §4.2 for each level, and exact release on teardown.
#include "test_mm_fixture.hpp"

using namespace mmtest;

namespace {

// L4 10 -> L3 11 -> L2 12 -> L1 13 -> data 20 (RW) and 21 (RO, twice).
struct Tree {
    static constexpr u64 l4 = 10, l3 = 11, l2 = 12, l1 = 13, rw_data = 20, ro_data = 21;
    explicit Tree(World& w) {
        w.page(l4)[0] = make_pte(l3, kRW);
        w.page(l3)[0] = make_pte(l2, kRW);
        w.page(l2)[0] = make_pte(l1, kRW);
        w.page(l1)[0] = make_pte(rw_data, kRW);
        w.page(l1)[1] = make_pte(ro_data, kRO);
        w.page(l1)[2] = make_pte(ro_data, kRO | PTE_US);
    }
};

} // namespace

TEST_CASE("validate: pinning an L4 types and counts the whole tree", "[mm][validate]") {
    World w;
    Tree t(w);
    REQUIRE(w.pt.pin(t.l4, FrameType::L4, w.dom).ok());

    REQUIRE(w.fi(t.l4).type == FrameType::L4);
    REQUIRE(w.fi(t.l4).ref_count == 1);
    REQUIRE(w.fi(t.l4).type_count == 1);
    REQUIRE((w.fi(t.l4).flags & kFramePinned) != 0);
    for (u64 mfn : {t.l3, t.l2, t.l1}) {
        INFO("table " << mfn);
        REQUIRE(w.fi(mfn).ref_count == 1);
        REQUIRE(w.fi(mfn).type_count == 1);
        REQUIRE((w.fi(mfn).flags & kFrameValidated) != 0);
    }
    REQUIRE(w.fi(t.l3).type == FrameType::L3);
    REQUIRE(w.fi(t.l2).type == FrameType::L2);
    REQUIRE(w.fi(t.l1).type == FrameType::L1);
    REQUIRE(w.fi(t.rw_data).ref_count == 1);
    REQUIRE(w.fi(t.rw_data).type == FrameType::Writable);
    REQUIRE(w.fi(t.rw_data).type_count == 1);
    REQUIRE(w.fi(t.ro_data).ref_count == 2);
    REQUIRE(w.fi(t.ro_data).type_count == 0);

    SECTION("guest-visible adjustments are written back") {
        REQUIRE(w.page(t.l4)[0] == (make_pte(t.l3, kRW) | PTE_US | PTE_A));
        REQUIRE(w.page(t.l3)[0] == (make_pte(t.l2, kRW) | PTE_US));
        REQUIRE(w.page(t.l1)[0] == (make_pte(t.rw_data, kRW) | PTE_US | PTE_GUEST_KERNEL));
        REQUIRE(w.page(t.l1)[2] == (make_pte(t.ro_data, kRO) | PTE_US | PTE_G));
    }
    SECTION("hypervisor L4 slots are filled") {
        for (unsigned i = 0; i < kHypervisorL4Slots; i++)
            REQUIRE(w.page(t.l4)[256 + i] == w.hv_l4[i]);
    }
    SECTION("unpinning releases everything and asks for a TLB flush") {
        (void)w.pt.take_flush_request();
        REQUIRE(w.pt.unpin(t.l4, w.dom).ok());
        REQUIRE(w.pt.take_flush_request());
        w.require_all_released();
    }
    SECTION("a second pin is refused and changes nothing") {
        REQUIRE(w.pt.pin(t.l4, FrameType::L4, w.dom).error() == XEN_EINVAL);
        REQUIRE(w.fi(t.l4).type_count == 1);
        REQUIRE(w.pt.unpin(t.l4, w.dom).ok());
        REQUIRE(w.pt.unpin(t.l4, w.dom).error() == XEN_EINVAL);
        w.require_all_released();
    }
    SECTION("a base pointer keeps the tree alive after unpin") {
        REQUIRE(w.pt.get_base_pointer(t.l4, w.dom).ok());
        REQUIRE(w.pt.unpin(t.l4, w.dom).ok());
        REQUIRE(w.fi(t.l1).type_count == 1);
        w.pt.put_base_pointer(t.l4);
        w.require_all_released();
    }
    SECTION("pinning a lower level of the live tree shares its type") {
        REQUIRE(w.pt.pin(t.l2, FrameType::L2, w.dom).ok());
        REQUIRE(w.fi(t.l2).type_count == 2);
        REQUIRE(w.pt.pin(t.l2, FrameType::L1, w.dom).error() == XEN_EINVAL);
        w.pt.unpin_all(w.dom);
        w.require_all_released();
    }
}

TEST_CASE("validate: mapping a page table writable is EBUSY", "[mm][validate]") {
    World w;
    Tree t(w);
    w.page(t.l1)[3] = make_pte(t.l2, kRW);              // the L2 above, writable
    REQUIRE(w.pt.pin(t.l1, FrameType::L1, w.dom).ok()); // L1 alone: 12 is plain RAM yet
    REQUIRE(w.pt.pin(t.l2, FrameType::L2, w.dom).error() == XEN_EINVAL);
    SECTION("and through get_page_and_type the L1 error is visible") {
        REQUIRE(w.pt.unpin(t.l1, w.dom).ok());
        // Validating L2 12 validates L1 13, which maps 12 RW: refused.
        REQUIRE(w.pt.get_page_and_type(t.l2, FrameType::L2, w.dom).error() == XEN_EBUSY);
    }
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("validate: pinning a frame still mapped RW is EINVAL (xsa-224)", "[mm][validate]") {
    World w;
    Tree t(w);
    w.page(t.l1)[4] = make_pte(30, kRW);
    REQUIRE(w.pt.pin(t.l4, FrameType::L4, w.dom).ok());
    REQUIRE(w.pt.pin(30, FrameType::L1, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.fi(30).ref_count == 1); // only the mapping
    // Remap read-only: now it may become a page table.
    REQUIRE(w.pt.mod_l1_entry(t.l1, 4, make_pte(30, kRO), w.dom).ok());
    REQUIRE(w.pt.pin(30, FrameType::L1, w.dom).ok());
    REQUIRE(w.pt.mod_l1_entry(t.l1, 4, make_pte(30, kRW), w.dom).error() == XEN_EBUSY);
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("validate: entry flag rules per level", "[mm][validate]") {
    World w;
    SECTION("superpage L2 entry") {
        w.page(12)[0] = make_pte(13, kRW | PTE_PS);
        REQUIRE(w.pt.pin(12, FrameType::L2, w.dom).error() == XEN_EINVAL);
    }
    SECTION("superpage L3 entry") {
        w.page(11)[0] = make_pte(12, kRW | PTE_PS);
        REQUIRE(w.pt.pin(11, FrameType::L3, w.dom).error() == XEN_EINVAL);
    }
    SECTION("global L2 entry") {
        w.page(12)[0] = make_pte(13, kRW | PTE_G);
        REQUIRE(w.pt.pin(12, FrameType::L2, w.dom).error() == XEN_EINVAL);
    }
    SECTION("uncached L4 entry") {
        w.page(10)[0] = make_pte(11, kRW | PTE_PCD);
        REQUIRE(w.pt.pin(10, FrameType::L4, w.dom).error() == XEN_EINVAL);
    }
    SECTION("L1 cache bits need cache_flush_permitted") {
        w.page(13)[0] = make_pte(20, kRW | PTE_PCD);
        REQUIRE(w.pt.pin(13, FrameType::L1, w.dom).error() == XEN_EINVAL);
        w.dom.cache_flush_permitted = true;
        REQUIRE(w.pt.pin(13, FrameType::L1, w.dom).ok());
    }
    SECTION("NX without hardware NX") {
        w.page(13)[0] = make_pte(20, kRW | PTE_NX);
        w.dom.nx_available = false;
        REQUIRE(w.pt.pin(13, FrameType::L1, w.dom).error() == XEN_EINVAL);
        w.dom.nx_available = true;
        REQUIRE(w.pt.pin(13, FrameType::L1, w.dom).ok());
    }
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("validate: L1 target frame rules", "[mm][validate]") {
    World w;
    w.pt.unpin_all(w.dom);
    auto map = [&](u64 pte) {
        w.page(13)[0] = pte;
        return w.pt.get_page_and_type(13, FrameType::L1, w.dom);
    };
    SECTION("foreign frame") {
        REQUIRE(map(make_pte(kOtherDomFrame, kRO)).error() == XEN_EBUSY);
    }
    SECTION("hypervisor frame") {
        REQUIRE(map(make_pte(kHypervisorFrame, kRO)).error() == XEN_EBUSY);
    }
    SECTION("shared hypervisor frame, writable") {
        REQUIRE(map(make_pte(kSharedFrame, kRW)).ok());
        REQUIRE(w.fi(kSharedFrame).ref_count == 1);
        REQUIRE(w.fi(kSharedFrame).type_count == 1);
        w.pt.put_page_and_type(13);
    }
    SECTION("shared hypervisor frame with cache attributes") {
        w.dom.cache_flush_permitted = true;
        REQUIRE(map(make_pte(kSharedFrame, kRW | PTE_PCD)).error() == XEN_EACCES);
    }
    SECTION("invalid MFN") {
        REQUIRE(map(make_pte(kInvalidMfnField, kRO)).error() == XEN_EINVAL);
    }
    SECTION("MMIO without permission") {
        REQUIRE(map(make_pte(kMmioFrame, kRW)).error() == XEN_EPERM);
    }
    SECTION("MMIO with permission holds no reference") {
        w.dom.io_mem_allowed = true;
        REQUIRE(map(make_pte(kMmioFrame, kRW)).ok());
        REQUIRE(w.fi(kMmioFrame).ref_count == 0);
        w.pt.put_page_and_type(13);
    }
    SECTION("frame above the physical address width") {
        w.dom.io_mem_allowed = true;
        w.dom.paddr_bits = 36;
        REQUIRE(map(make_pte(1ull << 24, kRO)).error() == XEN_EPERM);
    }
    SECTION("a failure in the middle rolls back earlier entries") {
        w.page(13)[1] = make_pte(20, kRW);
        w.page(13)[2] = make_pte(21, kRO);
        REQUIRE(map(make_pte(kOtherDomFrame, kRO)).error() == XEN_EBUSY); // entry 0 fails first
        w.page(13)[0] = make_pte(22, kRW);
        w.page(13)[3] = make_pte(kOtherDomFrame, kRO); // now entry 3 fails
        REQUIRE(w.pt.get_page_and_type(13, FrameType::L1, w.dom).error() == XEN_EBUSY);
        REQUIRE(w.fi(13).type == FrameType::None);
    }
    w.require_all_released();
}

TEST_CASE("validate: upper entries must name owned RAM", "[mm][validate]") {
    World w;
    SECTION("foreign L1") {
        w.page(12)[0] = make_pte(kOtherDomFrame, kRW);
        REQUIRE(w.pt.pin(12, FrameType::L2, w.dom).error() == XEN_EINVAL);
    }
    SECTION("MMIO as L1") {
        w.page(12)[0] = make_pte(kMmioFrame, kRW);
        REQUIRE(w.pt.pin(12, FrameType::L2, w.dom).error() == XEN_EINVAL);
    }
    SECTION("shared hypervisor frame as L3") {
        w.page(10)[0] = make_pte(kSharedFrame, kRW);
        REQUIRE(w.pt.pin(10, FrameType::L4, w.dom).error() == XEN_EINVAL);
    }
    SECTION("frames of another domain cannot be pinned") {
        REQUIRE(w.pt.pin(kOtherDomFrame, FrameType::L1, w.dom).error() == XEN_EINVAL);
    }
    w.require_all_released();
}

TEST_CASE("validate: garbage in L4 hypervisor slots is ignored", "[mm][validate]") {
    World w;
    w.page(10)[256] = make_pte(kOtherDomFrame, kRW | PTE_PS);
    w.page(10)[271] = ~0ull;
    REQUIRE(w.pt.pin(10, FrameType::L4, w.dom).ok());
    REQUIRE(w.page(10)[256] == w.hv_l4[0]);
    REQUIRE(w.page(10)[271] == w.hv_l4[15]);
    REQUIRE(w.pt.unpin(10, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("validate: a zeroed hypervisor frame is not shared with domain 0", "[mm][validate]") {
    World w;
    constexpr u64 kDom0L1 = 195, kDom0Data = 196;
    REQUIRE(w.frames.assign(kDom0L1, 2, 0));
    DomainMm dom0;
    dom0.id = 0;
    w.info[kHypervisorFrame] = FrameInfo{};
    w.info[kHypervisorFrame].owner = kOwnerHypervisor;
    w.page(kDom0L1)[0] = make_pte(kHypervisorFrame, kRO);
    REQUIRE(w.pt.get_page_and_type(kDom0L1, FrameType::L1, dom0).error() == XEN_EBUSY);
    w.page(kDom0L1)[0] = make_pte(kDom0Data, kRW);
    REQUIRE(w.pt.get_page_and_type(kDom0L1, FrameType::L1, dom0).ok());
    w.pt.put_page_and_type(kDom0L1);
    w.require_all_released();
}
