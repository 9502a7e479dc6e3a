// The pv64 initial layout (pv-abi §1.5) and its bootstrap page tables
// (§1.6), checked against the worked example table of §1.5.
#include "elf_builder.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/domain/build_layout_tables.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

using namespace test;
using namespace xen;

namespace {

// XTF's test-pv64-example: kernel 0x100000-0x111000, hypercall page 0x106000.
PvImage xtf_image() {
    PvImage img;
    img.virt_kstart = 0x100000;
    img.virt_kend = 0x111000;
    img.entry = 0x100000;
    img.hypercall_page = {true, 0x106000};
    return img;
}

BuildLayout layout_of(const PvImage& img, u64 nr_pages, u64 initrd_len = 0) {
    BuildLayout l;
    LoadStatus st = compute_build_layout(img, nr_pages, initrd_len, l);
    INFO(st.reason());
    REQUIRE(st.ok());
    return l;
}

struct Expected {
    u64 nr_pages, p2m_end, start_info, pt_end, nr_pt, v_end;
};

} // namespace

TEST_CASE("The worked examples of pv-abi 1.5 are reproduced exactly", "[build_layout]") {
    const Expected rows[] = {
        {0x8000, 0x151000, 0x151000, 0x157000, 5, 0x400000},
        {0x40000, 0x311000, 0x311000, 0x317000, 5, 0x400000},
        {0x7a000, 0x4e1000, 0x4e1000, 0x4e9000, 7, 0x800000},
    };
    for (const Expected& e : rows) {
        INFO("nr_pages 0x" << std::hex << e.nr_pages);
        BuildLayout l = layout_of(xtf_image(), e.nr_pages);
        CHECK(l.v_start == 0);
        CHECK(l.vkern_start == 0x100000);
        CHECK(l.vkern_end == 0x111000);
        CHECK(l.initrd_start == l.initrd_end);
        CHECK(l.p2m_start == 0x111000);
        CHECK(l.p2m_end == e.p2m_end);
        CHECK_FALSE(l.p2m_outside);
        CHECK(l.start_info_start == e.start_info);
        CHECK(l.start_info_end == e.start_info + kStartInfoReserve);
        CHECK(l.pt_start == e.start_info + 0x1000);
        CHECK(l.pt_end == e.pt_end);
        CHECK(l.nr_pt_frames == e.nr_pt);
        CHECK(l.stack_start == e.pt_end);
        CHECK(l.stack_end == e.pt_end + 0x1000);
        CHECK(l.initial_rsp() == e.pt_end + 0x1000);
        CHECK(l.v_end == e.v_end);
        CHECK(l.entry == 0x100000);
        CHECK(page_tables_needed(l.v_start, l.v_end) == l.nr_pt_frames);
    }
}

TEST_CASE("v_end keeps at least 512 KiB above the stack", "[build_layout]") {
    PvImage img = xtf_image();
    // p2m of 0x268000 bytes puts the stack top at 0x380000: exactly 512 KiB
    // below 4 MiB, which is enough.
    BuildLayout exact = layout_of(img, 0x268000 / 8);
    CHECK(exact.stack_end == 0x380000);
    CHECK(exact.v_end == 0x400000);
    // 0x1000 more and the slack is short: another 4 MiB, hence 2 more L1s.
    BuildLayout over = layout_of(img, 0x269000 / 8);
    CHECK(over.v_end == 0x800000);
    CHECK(over.nr_pt_frames == 7);
    CHECK(over.stack_end == 0x383000);

    for (u64 nr = 0x400; nr < 0x100000; nr += 0x321) {
        BuildLayout l = layout_of(img, nr);
        INFO("nr_pages 0x" << std::hex << nr);
        CHECK(l.v_end % (4u << 20) == 0);
        CHECK(l.v_end - l.stack_end >= (512u << 10));
        CHECK(l.v_end - l.stack_end < (512u << 10) + (4u << 20));
        CHECK(page_tables_needed(l.v_start, l.v_end) == l.nr_pt_frames);
        CHECK(l.p2m_end - l.p2m_start == nr * 8);
    }
}

TEST_CASE("An initrd is placed after the kernel unless MOD_START_PFN", "[build_layout]") {
    PvImage img = xtf_image();
    BuildLayout l = layout_of(img, 0x8000, 0x1234);
    CHECK(l.initrd_start == 0x111000);
    CHECK(l.initrd_end == 0x112234);
    CHECK(l.p2m_start == 0x113000);

    img.mod_start_pfn = true;
    BuildLayout u = layout_of(img, 0x8000, 0x1234);
    CHECK(u.initrd_start == u.initrd_end);
    CHECK(u.p2m_start == 0x111000);
}

TEST_CASE("INIT_P2M moves the p2m list out of the initial mapping", "[build_layout]") {
    PvImage img = xtf_image();
    img.init_p2m = {true, 0x8000000000ull};
    BuildLayout l = layout_of(img, 0x8000);
    CHECK(l.p2m_outside);
    CHECK(l.p2m_start == 0x8000000000ull);
    CHECK(l.p2m_end == 0x8000000000ull + 0x40000);
    CHECK(l.start_info_start == 0x111000);

    SECTION("but not into the mapping or the hypervisor area") {
        BuildLayout bad;
        img.init_p2m = {true, 0x200000};
        CHECK(std::string(compute_build_layout(img, 0x8000, 0, bad).reason())
                  .find("INIT_P2M list 0x200000-0x240000 overlaps") != std::string::npos);
        img.init_p2m = {true, HYPERVISOR_VIRT_START};
        CHECK_FALSE(compute_build_layout(img, 0x8000, 0, bad).ok());
        img.init_p2m = {true, 0x8000000123ull};
        CHECK_FALSE(compute_build_layout(img, 0x8000, 0, bad).ok());
    }
}

TEST_CASE("Layouts that cannot be built are refused with a reason", "[build_layout]") {
    PvImage img = xtf_image();
    BuildLayout l;
    SECTION("domain smaller than its initial mapping") {
        LoadStatus st = compute_build_layout(img, 0x300, 0, l);
        CHECK(st.error() == XEN_ENOMEM);
        CHECK(std::string(st.reason()) ==
              "build: domain too small: initial mapping needs 0x400 pages, domain has 0x300");
        CHECK(compute_build_layout(img, 0x400, 0, l).ok());
    }
    SECTION("hypercall page outside [v_start, v_end)") {
        img.hypercall_page = {true, 0x400000};
        LoadStatus st = compute_build_layout(img, 0x8000, 0, l);
        CHECK(st.error() == XEN_EINVAL);
        CHECK(std::string(st.reason()) ==
              "build: HYPERCALL_PAGE 0x400000 outside the initial mapping 0x0-0x400000");
        img.hypercall_page = {true, 0x3ff000}; // inside the mapping, past the image: Xen allows
        CHECK(compute_build_layout(img, 0x8000, 0, l).ok());
    }
    SECTION("unaligned hypercall page") {
        img.hypercall_page = {true, 0x106800};
        CHECK(std::string(compute_build_layout(img, 0x8000, 0, l).reason()) ==
              "build: HYPERCALL_PAGE 0x106800 is not page-aligned");
    }
    SECTION("mapping overlapping the hypervisor area") {
        img.virt_base = HYPERVISOR_VIRT_END - 0x200000;
        img.virt_kstart = img.virt_base;
        img.virt_kend = img.virt_base + 0x10000;
        img.entry = img.virt_kstart;
        img.hypercall_page = {};
        LoadStatus st = compute_build_layout(img, 0x8000, 0, l);
        CHECK(st.error() == XEN_EINVAL);
        CHECK(std::string(st.reason()).find("overlaps the hypervisor area") != std::string::npos);
    }
    SECTION("mapping crossing the canonical hole") {
        img.virt_base = (u64{1} << 47) - 0x40000;
        img.virt_kstart = img.virt_base;
        img.virt_kend = img.virt_base + 0x10000;
        img.hypercall_page = {};
        CHECK(std::string(compute_build_layout(img, 0x8000, 0, l).reason()).find("not canonical") !=
              std::string::npos);
    }
    SECTION("p2m size overflow") {
        CHECK(compute_build_layout(img, u64{1} << 62, 0, l).error() == XEN_ENOMEM);
    }
    SECTION("image at the very top of the address space") {
        img.virt_base = 0xfffffffffff00000ull;
        img.virt_kstart = img.virt_base;
        img.virt_kend = img.virt_base + 0x10000;
        img.hypercall_page = {};
        LoadStatus st = compute_build_layout(img, 0x8000, 0, l);
        CHECK(st.error() == XEN_EINVAL);
        CHECK(std::string(st.reason()) ==
              "build: layout overflows the address space at the boot stack");
    }
}

TEST_CASE("A Linux-like high layout maps PFN n at v_start + n pages", "[build_layout]") {
    PvImage img;
    img.virt_base = 0xffffffff80000000ull;
    img.virt_kstart = 0xffffffff81000000ull;
    img.virt_kend = 0xffffffff81800000ull;
    img.entry = img.virt_kstart;
    BuildLayout l = layout_of(img, 0x40000);
    CHECK(l.v_start == 0xffffffff80000000ull);
    CHECK(l.p2m_start == 0xffffffff81800000ull);
    CHECK(l.pfn_of_va(0xffffffff81000000ull) == 0x1000);
    CHECK(l.va_of_pfn(0x1000) == 0xffffffff81000000ull);
    CHECK((l.v_end & 0x3fffff) == 0);
    CHECK(page_tables_needed(l.v_start, l.v_end) <= l.nr_pt_frames);
}

namespace {

// Checks the entries for_each_pt_entry emits describe exactly the mapping of
// §1.5: walking them from the L4 translates every VA of [v_start, v_end)
// to its PFN, writable except the page-table pages.
void check_page_table_entries(const BuildLayout& l) {
    std::map<std::pair<u64, unsigned>, PtEntry> entries;
    std::map<u64, unsigned> level_of_table;
    Status st = for_each_pt_entry(l, [&](const PtEntry& e) -> Status {
        auto key = std::make_pair(e.table_pfn, e.slot);
        REQUIRE(entries.count(key) == 0); // each slot written once
        entries[key] = e;
        auto it = level_of_table.find(e.table_pfn);
        if (it != level_of_table.end()) REQUIRE(it->second == e.table_level);
        level_of_table[e.table_pfn] = e.table_level;
        return {};
    });
    REQUIRE(st.ok());
    // Every table lives in the read-only page-table area; tables are used.
    for (auto& [pfn, level] : level_of_table) {
        CHECK(l.is_pt_pfn(pfn));
        (void)level;
    }
    CHECK(level_of_table.size() == page_tables_needed(l.v_start, l.v_end));
    PageTablePlan plan = plan_page_tables(l);
    CHECK(plan.l4_pfn() == l.first_pt_pfn());
    CHECK(level_of_table[plan.l4_pfn()] == 4);

    u64 writable = 0, read_only = 0;
    for (u64 va = l.v_start; va < l.v_end; va += kPageSize) {
        u64 table = plan.l4_pfn();
        for (unsigned level = 4; level >= 1; level--) {
            unsigned slot = static_cast<unsigned>((va >> pt_entry_shift(level)) & 511);
            auto it = entries.find({table, slot});
            REQUIRE(it != entries.end());
            REQUIRE(it->second.table_level == level);
            table = it->second.target_pfn;
            if (level == 1) {
                CHECK(table == l.pfn_of_va(va));
                CHECK(it->second.writable == !l.is_pt_pfn(table));
                (it->second.writable ? writable : read_only)++;
            }
        }
    }
    CHECK(read_only == l.nr_pt_frames);
    CHECK(writable + read_only == l.mapped_pages());
    CHECK(entries.size() == l.mapped_pages() + level_of_table.size() - 1);
}

} // namespace

TEST_CASE("Page-table entries map [v_start, v_end) to PFNs 0.., tables read-only",
          "[build_layout]") {
    SECTION("XTF 128 MiB") {
        check_page_table_entries(layout_of(xtf_image(), 0x8000));
    }
    SECTION("XTF ~1.9 GiB (4 L1 tables)") {
        BuildLayout l = layout_of(xtf_image(), 0x7a000);
        PageTablePlan plan = plan_page_tables(l);
        // Order: L4, L3, L2, then the L1s.
        CHECK(plan.first_pfn[4] == 0x4e2);
        CHECK(plan.first_pfn[3] == 0x4e3);
        CHECK(plan.first_pfn[2] == 0x4e4);
        CHECK(plan.first_pfn[1] == 0x4e5);
        CHECK(plan.count[1] == 4);
        check_page_table_entries(l);
    }
    SECTION("high Linux-like VA crossing an L3 boundary") {
        PvImage img;
        img.virt_base = 0xffffffffbfc00000ull; // 4 MiB below a 1 GiB boundary
        img.virt_kstart = img.virt_base;
        img.virt_kend = img.virt_base + 0x3c0000; // stack slack forces v_end past 1 GiB
        img.entry = img.virt_kstart;
        BuildLayout l = layout_of(img, 0x2000);
        CHECK(page_tables_at_level(l.v_start, l.v_end, 2) == 2);
        check_page_table_entries(l);
    }
}

TEST_CASE("An INIT_P2M list gets its own tables and frames after the initial mapping",
          "[build_layout]") {
    // Linux's layout: kernel at -2 GiB, the list at 512 GiB (its own L4 slot).
    PvImage img;
    img.virt_base = 0xffffffff80000000ull;
    img.virt_kstart = 0xffffffff81000000ull;
    img.virt_kend = 0xffffffff84a00000ull;
    img.entry = img.virt_kstart;
    img.init_p2m = {true, 0x8000000000ull};
    u64 nr_pages = 0x20000; // 512 MiB: a 1 MiB list, 256 pages
    BuildLayout l = layout_of(img, nr_pages);
    REQUIRE(l.p2m_outside);
    CHECK(l.p2m_first_pfn == l.mapped_pages());
    CHECK(l.p2m_nr_data == 256);
    CHECK(l.p2m_nr_pt == 3); // one L3, one L2, one L1
    CHECK(l.nr_p2m_frames() == 259);

    std::map<std::pair<u64, unsigned>, PtEntry> entries;
    REQUIRE(for_each_pt_entry(l, [&](const PtEntry& e) -> Status {
                REQUIRE(entries.count({e.table_pfn, e.slot}) == 0);
                entries[{e.table_pfn, e.slot}] = e;
                return {};
            }).ok());
    // Walk every page of the list from the bootstrap L4.
    for (u64 k = 0; k < l.p2m_nr_data; k++) {
        u64 va = l.p2m_start + k * kPageSize;
        u64 table = l.first_pt_pfn();
        for (unsigned level = 4; level >= 1; level--) {
            unsigned slot = static_cast<unsigned>((va >> pt_entry_shift(level)) & 511);
            auto it = entries.find({table, slot});
            REQUIRE(it != entries.end());
            CHECK(it->second.table_level == level);
            CHECK(it->second.writable);
            table = it->second.target_pfn;
            if (level > 1) {
                CHECK(table >= l.p2m_first_pfn);
                CHECK(table < l.p2m_data_first_pfn());
            }
        }
        CHECK(table == l.p2m_data_first_pfn() + k);
    }
    // The initial mapping's entries are all still there, plus the list's.
    CHECK(entries.size() == l.mapped_pages() + page_tables_needed(l.v_start, l.v_end) - 1 +
                                l.p2m_nr_data + l.p2m_nr_pt);

    SECTION("a domain too small for the list's frames is refused") {
        BuildLayout bad;
        LoadStatus st = compute_build_layout(img, l.mapped_pages() + 10, 0, bad);
        CHECK(st.error() == XEN_ENOMEM);
        CHECK(std::string(st.reason()).find("INIT_P2M") != std::string::npos);
    }
    SECTION("a list in the initial mapping's L4 slot is refused") {
        BuildLayout bad;
        img.init_p2m = {true, 0xffffff8000000000ull};
        LoadStatus st = compute_build_layout(img, nr_pages, 0, bad);
        CHECK(std::string(st.reason()).find("shares a 512 GiB L4 slot") != std::string::npos);
    }
}

TEST_CASE("An initrd's pages: in the mapping, or by PFN before the INIT_P2M frames",
          "[build_layout]") {
    PvImage img = xtf_image();
    BuildLayout mapped = layout_of(img, 0x8000, 0x1234);
    CHECK_FALSE(mapped.initrd_unmapped);
    CHECK(mapped.initrd_pages == 2);
    CHECK(mapped.initrd_first_pfn == mapped.pfn_of_va(mapped.initrd_start));
    CHECK(mapped.first_free_pfn() == mapped.mapped_pages());

    img.mod_start_pfn = true;
    img.init_p2m = {true, 0x8000000000ull};
    BuildLayout l = layout_of(img, 0x8000, 0x1234);
    CHECK(l.initrd_unmapped);
    CHECK(l.initrd_first_pfn == l.mapped_pages());
    CHECK(l.p2m_first_pfn == l.initrd_first_pfn + 2);
    CHECK(l.first_free_pfn() == l.p2m_first_pfn + l.nr_p2m_frames());

    BuildLayout bad;
    LoadStatus st = compute_build_layout(img, l.mapped_pages() + 40, 0x100000, bad);
    CHECK(st.error() == XEN_ENOMEM);
}

TEST_CASE("Writer errors stop the page-table enumeration", "[build_layout]") {
    BuildLayout l = layout_of(xtf_image(), 0x8000);
    int calls = 0;
    Status st = for_each_pt_entry(
        l, [&](const PtEntry&) -> Status { return ++calls == 3 ? Status(XEN_ENOMEM) : Status(); });
    CHECK(st.error() == XEN_ENOMEM);
    CHECK(calls == 3);
}

TEST_CASE("Page tables needed per level", "[build_layout]") {
    CHECK(page_tables_needed(0, 0x400000) == 1 + 1 + 1 + 2);
    CHECK(page_tables_at_level(0, 0x200000, 1) == 1);
    CHECK(page_tables_at_level(0x1ff000, 0x201000, 1) == 2);
    CHECK(page_tables_at_level(0, u64{1} << 39, 3) == 1);
    CHECK(page_tables_at_level(0, (u64{1} << 39) + 1, 3) == 2);
    CHECK(page_tables_at_level(0xfffffffffff00000ull, 0, 1) == 0); // empty/wrapped
    CHECK(page_tables_at_level(0xffffffffffc00000ull, ~u64{0}, 1) == 2);
}
