#include "gui/model/disassembler.hpp"
#include "gui/model/elf_symbols.hpp"
#include "gui/model/evtchn_view.hpp"
#include "gui/model/page_table_tree.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace glass;
using namespace glass::gui;

namespace {
// A tiny address space: L4[511] -> L3[510] -> L2[0] -> L1 with two pages,
// and L4[0] -> L3[0] with a 1 GiB superpage.
std::map<u64, std::array<u64, 512>> address_space() {
    std::map<u64, std::array<u64, 512>> t;
    auto& l4 = t[0x10];
    auto& l3 = t[0x11];
    auto& l2 = t[0x12];
    auto& l1 = t[0x13];
    auto& low3 = t[0x14];
    l4.fill(0), l3.fill(0), l2.fill(0), l1.fill(0), low3.fill(0);
    l4[511] = 0x11000 | 0x7;
    l3[510] = 0x12000 | 0x7;
    l2[0] = 0x13000 | 0x7;
    l1[0] = 0x100000 | 0x3;
    l1[5] = 0x105000 | 0x1;
    l4[0] = 0x14000 | 0x7;
    low3[1] = 0x40000000 | 0x83; // 1 GiB at 1 GiB
    return t;
}
} // namespace

TEST_CASE("virtual ranges parse and entries get canonical addresses", "[gui][pagetables]") {
    CHECK(entry_va(0, 4, 511) == 0xFFFFFF8000000000ull);
    CHECK(entry_va(0xFFFFFF8000000000ull, 3, 510) == 0xFFFFFFFF80000000ull);
    CHECK(entry_va(0, 4, 255) == 0x00007F8000000000ull);
    auto r = parse_va_range("0xffffffff80000000-ffffffff80ffffff");
    REQUIRE(r);
    CHECK(r->lo == 0xffffffff80000000ull);
    CHECK(r->hi == 0xffffffff80ffffffull);
    auto page = parse_va_range("ffffffff80001234");
    REQUIRE(page);
    CHECK(page->lo == 0xffffffff80001000ull);
    CHECK(page->hi == 0xffffffff80001fffull);
    CHECK(parse_va_range("")->hi == ~0ull);
    CHECK(parse_va_range("1000..")->lo == 0x1000);
    std::string why;
    CHECK_FALSE(parse_va_range("2000-1000", &why));
    CHECK(why == "the start is above the end");
    CHECK_FALSE(parse_va_range("xyz", &why));
}

TEST_CASE("the page-table tree filters by address range", "[gui][pagetables]") {
    auto space = address_space();
    PageTableTree tree([&](u64 mfn, std::array<u64, 512>& out) {
        auto it = space.find(mfn);
        if (it == space.end()) return false;
        out = it->second;
        return true;
    });
    VaRange all;
    CHECK(tree.count_leaves(0x10, all) == 3); // two 4 KiB pages and a superpage
    std::vector<TreeEntry> top;
    REQUIRE(tree.children(0x10, 4, 0, all, top));
    REQUIRE(top.size() == 2);
    CHECK(top[0].index == 0);
    CHECK(top[1].va == 0xFFFFFF8000000000ull);
    CHECK_FALSE(top[1].leaf);
    // Only the kernel's first 2 MiB: the low superpage drops out.
    auto kernel = *parse_va_range("ffffffff80000000-ffffffff801fffff");
    CHECK(tree.count_leaves(0x10, kernel) == 2);
    std::vector<TreeEntry> l1;
    REQUIRE(tree.children(0x13, 1, 0xFFFFFFFF80000000ull, *parse_va_range("ffffffff80005000"), l1));
    REQUIRE(l1.size() == 1);
    CHECK(l1[0].mfn == 0x105);
    CHECK(l1[0].flags == "P-------");
    CHECK(l1[0].leaf);
    std::vector<TreeEntry> low;
    REQUIRE(tree.children(0x14, 3, 0, all, low));
    REQUIRE(low.size() == 1);
    CHECK(low[0].leaf);
    CHECK(low[0].va == 1ull << 30);
    CHECK(low[0].va_last == (2ull << 30) - 1);
    CHECK_FALSE(tree.children(0x99, 1, 0, all, low)); // unreadable table
}

TEST_CASE("event-channel rows name bindings and count pending rises", "[gui][evtchn]") {
    EvtchnSnapshot s;
    s.domid = 3;
    PortSnapshot inter;
    inter.port = 3;
    inter.state = "Interdomain";
    inter.remote_dom = 2;
    inter.remote_port = 5;
    PortSnapshot virq;
    virq.port = 1;
    virq.state = "Virq";
    virq.virq = 0;
    s.ports = {virq, inter};
    EvtchnView v;
    v.update(s, 1.0);
    REQUIRE(v.rows().size() == 2);
    CHECK(v.rows()[0].binding == "VIRQ 0 (timer)");
    CHECK(v.rows()[1].binding == "d2 port 5");
    CHECK(v.rows()[1].rises == 0);
    s.ports[1].pending = true;
    v.update(s, 2.0);
    CHECK(v.rows()[1].rises == 1);
    CHECK(v.rows()[1].flashed_at == 2.0);
    v.update(s, 3.0); // still pending: not a new rise
    CHECK(v.rows()[1].rises == 1);
    s.ports[1].pending = false;
    v.update(s, 4.0);
    s.ports[1].pending = true;
    v.update(s, 5.0);
    CHECK(v.rows()[1].rises == 2);
    s.domid = 4; // another domain starts afresh
    v.update(s, 6.0);
    CHECK(v.rows()[1].rises == 0);
}

TEST_CASE("symbols name addresses inside them", "[gui][disasm]") {
    SymbolTable t = SymbolTable::from({{0x2000, 0x100, "kmain"}, {0x1000, 0x10, "entry"}});
    CHECK(t.describe(0x2000) == "kmain");
    CHECK(t.describe(0x2388) == "");
    CHECK(t.describe(0x2088) == "kmain+0x88");
    CHECK(t.describe(0x1010) == ""); // past entry's size
    CHECK(t.by_name("entry")->addr == 0x1000);
#ifdef GLASS_BUILD_DIR
    // The guest we build has symbols: kmain is a function in it.
    auto g = SymbolTable::load(std::string(GLASS_BUILD_DIR) + "/guest/guest.elf");
    if (g.ok()) {
        const Symbol* k = g->by_name("kmain");
        REQUIRE(k);
        CHECK(g->describe(k->addr + 1).rfind("kmain+", 0) == 0);
    }
#endif
    CHECK_FALSE(SymbolTable::load("/nonexistent.elf").ok());
}

TEST_CASE("capstone decodes x86-64 and marks undecodable bytes", "[gui][disasm]") {
    Disassembler d;
    REQUIRE(d.ok());
    const u8 code[] = {0x55, 0x48, 0x89, 0xe5, 0xeb, 0xfe, 0x0f, 0x0b, 0x06};
    auto insns = d.run(code, sizeof code, 0xffffffff80100000ull, 10);
    REQUIRE(insns.size() == 5);
    CHECK(insns[0].text == "push rbp");
    CHECK(insns[1].text == "mov rbp, rsp");
    CHECK(insns[1].bytes == "48 89 e5");
    CHECK(insns[2].text == "jmp 0xffffffff80100004");
    CHECK(insns[3].text == "ud2");
    CHECK(insns[4].text == "(bad)"); // 0x06 (push es) is invalid in 64-bit mode
    CHECK(insns[4].va == 0xffffffff80100008ull);
    CHECK(d.run(code, sizeof code, 0, 2).size() == 2);
}
