// Single-entry updates: mod_lN_entry, update_pt_entry, the linear-entry
// rules (xsa-182), the fast path, descriptor pages and exact refcounts.
#include "test_mm_fixture.hpp"

using namespace mmtest;

namespace {

constexpr u64 kL4 = 10, kL3 = 11, kL2 = 12, kL1 = 13;

// A pinned, empty-leaved tree the tests then edit entry by entry.
void build_tree(World& w) {
    w.page(kL4)[0] = make_pte(kL3, kRW);
    w.page(kL3)[0] = make_pte(kL2, kRW);
    w.page(kL2)[0] = make_pte(kL1, kRW);
    REQUIRE(w.pt.pin(kL4, FrameType::L4, w.dom).ok());
    (void)w.pt.take_flush_request();
}

u64 maddr(u64 mfn, unsigned index) {
    return (mfn << kPageShift) + index * sizeof(u64);
}

} // namespace

TEST_CASE("mod_entry: exact refcounts across map, remap and unmap", "[mm][mod]") {
    World w;
    build_tree(w);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRW), w.dom).ok());
    REQUIRE(w.pt.mod_l1_entry(kL1, 1, make_pte(20, kRO), w.dom).ok());
    REQUIRE(w.fi(20).ref_count == 2);
    REQUIRE(w.fi(20).type_count == 1);
    // Same entry rewritten RW -> RO: the writable reference goes away.
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRO), w.dom).ok());
    REQUIRE(w.fi(20).ref_count == 2);
    REQUIRE(w.fi(20).type_count == 0);
    // Remap entry 1 to another frame.
    REQUIRE(w.pt.mod_l1_entry(kL1, 1, make_pte(21, kRW), w.dom).ok());
    REQUIRE(w.fi(20).ref_count == 1);
    REQUIRE(w.fi(21).ref_count == 1);
    REQUIRE(w.fi(21).type_count == 1);
    // Rewriting an identical mapping keeps the counts.
    REQUIRE(w.pt.mod_l1_entry(kL1, 1, make_pte(21, kRW) | PTE_A, w.dom).ok());
    REQUIRE(w.fi(21).ref_count == 1);
    REQUIRE(w.fi(21).type_count == 1);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, 0, w.dom).ok());
    REQUIRE(w.pt.mod_l1_entry(kL1, 1, 0, w.dom).ok());
    REQUIRE(w.fi(20).ref_count == 0);
    REQUIRE(w.fi(21).ref_count == 0);
    REQUIRE(w.fi(21).type_count == 0);
    REQUIRE_FALSE(w.pt.take_flush_request()); // L1 edits: the guest flushes
    REQUIRE(w.pt.unpin(kL4, w.dom).ok());
    w.require_all_released();
}

TEST_CASE("mod_entry: failed update leaves the old entry and counts", "[mm][mod]") {
    World w;
    build_tree(w);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRW), w.dom).ok());
    u64 before = w.page(kL1)[0];
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kL2, kRW), w.dom).error() == XEN_EBUSY);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(kOtherDomFrame, kRO), w.dom).error() == XEN_EBUSY);
    REQUIRE(w.page(kL1)[0] == before);
    REQUIRE(w.fi(20).ref_count == 1);
    REQUIRE(w.fi(kL2).ref_count == 1);
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("mod_entry: the containing frame must be a validated table of that level", "[mm][mod]") {
    World w;
    build_tree(w);
    REQUIRE(w.pt.mod_l1_entry(kL2, 0, 0, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.pt.mod_l2_entry(50, 0, 0, w.dom).error() == XEN_EINVAL);
    REQUIRE(w.pt.mod_l1_entry(kL1, 512, 0, w.dom).error() == XEN_EINVAL);
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("mod_entry: L4 hypervisor slots are refused", "[mm][mod]") {
    World w;
    build_tree(w);
    for (unsigned slot : {256u, 260u, 271u}) {
        INFO("slot " << slot);
        REQUIRE(w.pt.mod_l4_entry(kL4, slot, 0, w.dom).error() == XEN_EINVAL);
        REQUIRE(w.pt.update_pt_entry(maddr(kL4, slot), 0, w.dom, false).error() == XEN_EINVAL);
    }
    REQUIRE(w.page(kL4)[256] == w.hv_l4[0]);
    REQUIRE(w.pt.mod_l4_entry(kL4, 255, make_pte(30, kRW), w.dom).ok());
    REQUIRE(w.pt.mod_l4_entry(kL4, 272, make_pte(31, kRW), w.dom).ok());
    REQUIRE(w.fi(30).type == FrameType::L3);
    REQUIRE(w.pt.take_flush_request());
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("mod_entry: linear page tables (xsa-182)", "[mm][mod]") {
    World w;
    build_tree(w);
    SECTION("read-only self reference accepted, RW version rejected") {
        REQUIRE(w.pt.mod_l4_entry(kL4, 300, make_pte(kL4, kRO), w.dom).ok());
        REQUIRE(w.fi(kL4).ref_count == 1); // self reference holds nothing
        REQUIRE(w.fi(kL4).type_count == 1);
        REQUIRE(w.pt.mod_l4_entry(kL4, 300, make_pte(kL4, kRW), w.dom).error() == XEN_EINVAL);
        REQUIRE(w.pt.update_pt_entry(maddr(kL4, 300), make_pte(kL4, kRW), w.dom, false).error() ==
                XEN_EINVAL);
        REQUIRE(w.pt.mod_l4_entry(kL4, 301, make_pte(kL4, kRW), w.dom).error() == XEN_EINVAL);
        REQUIRE((w.page(kL4)[300] & PTE_RW) == 0);
    }
    SECTION("read-only reference to another validated L4") {
        w.page(40)[0] = make_pte(41, kRW);
        REQUIRE(w.pt.pin(40, FrameType::L4, w.dom).ok());
        REQUIRE(w.pt.mod_l4_entry(kL4, 1, make_pte(40, kRO), w.dom).ok());
        REQUIRE(w.fi(40).ref_count == 2);
        REQUIRE(w.fi(40).type_count == 2);
        REQUIRE(w.fi(40).linear_count == -1);
        REQUIRE(w.fi(kL4).linear_count == 1);
        // 40 is now a linear target: it may not gain linear entries itself.
        REQUIRE(w.pt.mod_l4_entry(40, 1, make_pte(kL4, kRO), w.dom).error() == XEN_EINVAL);
        REQUIRE(w.pt.mod_l4_entry(kL4, 1, 0, w.dom).ok());
        REQUIRE(w.fi(40).linear_count == 0);
        REQUIRE(w.fi(kL4).linear_count == 0);
    }
    SECTION("read-only linear L3 to a validated L3") {
        REQUIRE(w.pt.mod_l4_entry(kL4, 1, make_pte(40, kRO), w.dom).ok()); // becomes an L3
        REQUIRE(w.fi(40).type == FrameType::L3);
        REQUIRE(w.pt.mod_l3_entry(kL3, 1, make_pte(40, kRO), w.dom).ok()); // linear L3
        REQUIRE(w.fi(40).linear_count == -1);
    }
    SECTION("linear L2") {
        REQUIRE(w.pt.mod_l2_entry(kL2, 5, make_pte(kL2, kRO), w.dom).ok());
        REQUIRE(w.pt.mod_l2_entry(kL2, 6, make_pte(kL2, kRW), w.dom).error() == XEN_EINVAL);
    }
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("mod_entry: fast path keeps references and adjusts", "[mm][mod]") {
    World w;
    build_tree(w);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRW), w.dom).ok());
    u64 e = w.page(kL1)[0];
    REQUIRE((e & PTE_GUEST_KERNEL) != 0);
    // Guest clears US on a page it reads back: stays a kernel page.
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, (e & ~PTE_US) | PTE_D | PTE_NX | (1ull << 60), w.dom).ok());
    REQUIRE(w.page(kL1)[0] ==
            (make_pte(20, kRW) | PTE_US | PTE_GUEST_KERNEL | PTE_D | PTE_NX | (1ull << 60)));
    REQUIRE(w.fi(20).ref_count == 1);
    REQUIRE(w.fi(20).type_count == 1);
    SECTION("but flag rules still apply") {
        w.dom.nx_available = false;
        REQUIRE(w.pt.mod_l1_entry(kL1, 0, e | PTE_NX, w.dom).error() == XEN_EINVAL);
        REQUIRE(w.pt.mod_l2_entry(kL2, 0, w.page(kL2)[0] | PTE_G, w.dom).error() == XEN_EINVAL);
    }
    SECTION("L2 fast path requests a flush") {
        REQUIRE(w.pt.mod_l2_entry(kL2, 0, w.page(kL2)[0] | (1ull << 55), w.dom).ok());
        REQUIRE(w.pt.take_flush_request());
        REQUIRE(w.fi(kL1).type_count == 1);
    }
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("mod_entry: PRESERVE_AD keeps the old A/D bits", "[mm][mod]") {
    World w;
    build_tree(w);
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRW | PTE_A | PTE_D), w.dom).ok());
    REQUIRE(w.pt.mod_l1_entry(kL1, 0, make_pte(20, kRO), w.dom, true).ok());
    REQUIRE((w.page(kL1)[0] & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
    REQUIRE(w.fi(20).type_count == 0);
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("update_pt_entry: dispatch on the containing frame's type", "[mm][mod]") {
    World w;
    build_tree(w);
    SECTION("L1 entry") {
        REQUIRE(w.pt.update_pt_entry(maddr(kL1, 7), make_pte(20, kRW), w.dom, false).ok());
        REQUIRE(w.fi(20).type == FrameType::Writable);
    }
    SECTION("plain frame: raw store, no lasting reference") {
        REQUIRE(w.pt.update_pt_entry(maddr(60, 3), 0xDEADBEEF, w.dom, false).ok());
        REQUIRE(w.page(60)[3] == 0xDEADBEEF);
    }
    SECTION("frame of another domain") {
        REQUIRE(w.pt.update_pt_entry(maddr(kOtherDomFrame, 0), 0, w.dom, false).error() ==
                XEN_EINVAL);
    }
    SECTION("descriptor page") {
        REQUIRE(w.pt.get_seg_desc_frame(61, w.dom).ok());
        REQUIRE(w.pt.update_pt_entry(maddr(61, 0), 0, w.dom, false).error() == XEN_EINVAL);
        w.pt.put_seg_desc_frame(61);
    }
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("seg_desc: the XTF set_gdt pattern", "[mm][desc]") {
    World w;
    build_tree(w);
    constexpr u64 kGdt = 70;
    // The GDT frame is mapped RW in the guest's 1:1 map...
    REQUIRE(w.pt.mod_l1_entry(kL1, 70, make_pte(kGdt, kRW | PTE_A | PTE_D), w.dom).ok());
    REQUIRE(w.pt.get_seg_desc_frame(kGdt, w.dom).error() == XEN_EINVAL);
    // ...update_va_mapping makes it read-only, then set_gdt succeeds.
    REQUIRE(w.pt.mod_l1_entry(kL1, 70, make_pte(kGdt, PTE_P | PTE_A | PTE_D), w.dom).ok());
    (void)w.pt.take_flush_request();
    REQUIRE(w.pt.get_seg_desc_frame(kGdt, w.dom).ok());
    REQUIRE(w.pt.take_flush_request()); // Writable -> SegDesc
    REQUIRE(w.fi(kGdt).type == FrameType::SegDesc);
    // While it is a GDT it cannot be mapped writable again.
    REQUIRE(w.pt.mod_l1_entry(kL1, 71, make_pte(kGdt, kRW), w.dom).error() == XEN_EBUSY);
    w.pt.put_seg_desc_frame(kGdt);
    REQUIRE(w.pt.mod_l1_entry(kL1, 70, 0, w.dom).ok());
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}

TEST_CASE("seg_desc: frame validation checks all 512 descriptors", "[mm][desc]") {
    World w;
    constexpr u64 kGdt = 70;
    w.page(kGdt)[1] = 0x00AF9A000000FFFFull; // ring-0 code
    w.page(kGdt)[2] = 0x00CF92000000FFFFull; // ring-0 data
    SECTION("good descriptors get DPL 3") {
        REQUIRE(w.pt.get_seg_desc_frame(kGdt, w.dom).ok());
        REQUIRE(w.page(kGdt)[1] == 0x00AFFA000000FFFFull);
        REQUIRE(w.page(kGdt)[2] == 0x00CFF2000000FFFFull);
        w.pt.put_seg_desc_frame(kGdt);
    }
    SECTION("a TSS anywhere refuses the frame") {
        w.page(kGdt)[511] = 0x00008900'00000067ull;
        REQUIRE(w.pt.get_seg_desc_frame(kGdt, w.dom).error() == XEN_EINVAL);
        REQUIRE(w.fi(kGdt).type == FrameType::None);
    }
    w.require_all_released();
}

TEST_CASE("update_descriptor rules", "[mm][desc]") {
    World w;
    build_tree(w);
    constexpr u64 kGdt = 70;
    SECTION("misaligned") {
        REQUIRE(w.pt.update_descriptor(maddr(kGdt, 1) + 4, 0, w.dom).error() == XEN_EINVAL);
    }
    SECTION("bad descriptor") {
        REQUIRE(w.pt.update_descriptor(maddr(kGdt, 1), 0x00008900'00000067ull, w.dom).error() ==
                XEN_EINVAL);
    }
    SECTION("plain frame: written with DPL adjusted") {
        REQUIRE(w.pt.update_descriptor(maddr(kGdt, 1), 0x00AF9A000000FFFFull, w.dom).ok());
        REQUIRE(w.page(kGdt)[1] == 0x00AFFA000000FFFFull);
    }
    SECTION("live descriptor page") {
        REQUIRE(w.pt.get_seg_desc_frame(kGdt, w.dom).ok());
        REQUIRE(w.pt.update_descriptor(maddr(kGdt, 2), 0x00CF92000000FFFFull, w.dom).ok());
        REQUIRE(w.page(kGdt)[2] == 0x00CFF2000000FFFFull);
        REQUIRE(w.fi(kGdt).type_count == 1);
        w.pt.put_seg_desc_frame(kGdt);
    }
    SECTION("page table frame") {
        REQUIRE(w.pt.update_descriptor(maddr(kL1, 0), 0, w.dom).error() == XEN_EINVAL);
    }
    SECTION("foreign frame") {
        REQUIRE(w.pt.update_descriptor(maddr(kOtherDomFrame, 0), 0, w.dom).error() == XEN_EINVAL);
    }
    w.pt.unpin_all(w.dom);
    w.require_all_released();
}
