// PvImage: address computation and checks of pv-abi §1.4, and copying the
// segments through a GuestMemoryWriter.
#include "elf_builder.hpp"
#include "hv/core/domain/pv_image.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace test;
using namespace xen;

namespace {

LoadStatus load(const Bytes& b, PvImage& img, bool hw = true) {
    return load_pv_image(b.data(), b.size(), hw, img);
}

// Guest memory as a sparse byte map, poisoned where never written.
class FakeGuestMemory : public GuestMemoryWriter {
  public:
    std::map<u64, u8> bytes;
    u64 fail_at = ~u64{0};

    Status write(u64 va, const u8* src, u64 len) override {
        if (va == fail_at) return XEN_EFAULT;
        for (u64 i = 0; i < len; i++)
            bytes[va + i] = src[i];
        return {};
    }
    Status zero(u64 va, u64 len) override {
        if (va == fail_at) return XEN_EFAULT;
        for (u64 i = 0; i < len; i++)
            bytes[va + i] = 0;
        return {};
    }
};

} // namespace

TEST_CASE("An XTF-like kernel gives the addresses pv-abi 1.4 states", "[elf][pv_image]") {
    Bytes b = xtf_like_builder().build();
    PvImage img;
    LoadStatus st = load(b, img);
    INFO(st.reason());
    REQUIRE(st.ok());
    CHECK(img.virt_base == 0);
    CHECK(img.paddr_offset == 0);
    CHECK(img.virt_kstart == 0x100000);
    CHECK(img.virt_kend == 0x111000);
    CHECK(img.entry == 0x100000);
    CHECK(img.hypercall_page.present);
    CHECK(img.hypercall_page.value == 0x106000);
    CHECK_FALSE(img.init_p2m.present);
    CHECK_FALSE(img.mod_start_pfn);
    CHECK(img.features_required == 1);
    REQUIRE(img.segment_count == 1);
    CHECK(img.segments[0].dest_va == 0x100000);
    CHECK(img.segments[0].filesz == 0x2000);
    CHECK(img.segments[0].memsz == 0x11000);
    CHECK(img.file == b.data());
}

TEST_CASE("VIRT_BASE and PADDR_OFFSET relocate the image", "[elf][pv_image]") {
    // A Linux-like layout: paddr 16 MiB, VIRT_BASE -2 GiB, PADDR_OFFSET 0.
    Bytes notes = concat({xtf_like_notes(0xffffffff81002000ull),
                          xen_number(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ull),
                          xen_number(XEN_ELFNOTE_PADDR_OFFSET, 0),
                          xen_number(XEN_ELFNOTE_ENTRY, 0xffffffff81000100ull)});
    Bytes b = ElfBuilder()
                  .load(0x1000000, Bytes(0x100, 1), 0x3000)
                  .load(0x1004000, Bytes(0x10, 2), 0x1000)
                  .note_segment(notes)
                  .build();
    PvImage img;
    LoadStatus st = load(b, img);
    INFO(st.reason());
    REQUIRE(st.ok());
    CHECK(img.virt_kstart == 0xffffffff81000000ull);
    CHECK(img.virt_kend == 0xffffffff81005000ull);
    CHECK(img.entry == 0xffffffff81000100ull);
    REQUIRE(img.segment_count == 2);
    CHECK(img.segments[1].dest_va == 0xffffffff81004000ull);

    SECTION("a non-zero PADDR_OFFSET is subtracted") {
        Bytes n2 = concat({xtf_like_notes(0x200000), xen_number(XEN_ELFNOTE_VIRT_BASE, 0x100000),
                           xen_number(XEN_ELFNOTE_PADDR_OFFSET, 0x800000)});
        Bytes b2 =
            ElfBuilder().entry(0x200000).load(0x900000, Bytes(4), 0x1000).note_segment(n2).build();
        REQUIRE(load(b2, img).ok());
        CHECK(img.virt_kstart == 0x200000);
        CHECK(img.virt_kend == 0x201000);
    }
}

TEST_CASE("Address checks of pv-abi 1.4 refuse bad images", "[elf][pv_image]") {
    PvImage img;
    SECTION("PADDR_OFFSET without VIRT_BASE") {
        Bytes notes = concat({xtf_like_notes(), xen_number(XEN_ELFNOTE_PADDR_OFFSET, 0)});
        LoadStatus st =
            load(ElfBuilder().load(0x100000, Bytes(4), 0x11000).note_segment(notes).build(), img);
        CHECK(st.error() == XEN_EINVAL);
        CHECK(std::string(st.reason()) == "ELF: PADDR_OFFSET note given without VIRT_BASE");
    }
    SECTION("entry outside the image") {
        Bytes b = xtf_like_builder().entry(0x200000).build();
        LoadStatus st = load(b, img);
        CHECK(st.error() == XEN_EINVAL);
        CHECK(std::string(st.reason()) ==
              "ELF: entry 0x200000 outside the image [0x100000, 0x111000]");
    }
    SECTION("entry at virt_kend is still accepted, as in Xen") {
        REQUIRE(load(xtf_like_builder().entry(0x111000).build(), img).ok());
    }
    SECTION("ENTRY note overrides e_entry") {
        Bytes notes = concat({xtf_like_notes(), xen_number(XEN_ELFNOTE_ENTRY, 0x300000)});
        LoadStatus st =
            load(ElfBuilder().load(0x100000, Bytes(4), 0x11000).note_segment(notes).build(), img);
        CHECK(std::string(st.reason()).find("entry 0x300000 outside") != std::string::npos);
    }
    SECTION("VIRT_BASE above the image start") {
        Bytes notes = concat({xtf_like_notes(), xen_number(XEN_ELFNOTE_VIRT_BASE, 0x200000),
                              xen_number(XEN_ELFNOTE_PADDR_OFFSET, 0x200000)});
        Bytes b = ElfBuilder()
                      .entry(0x100000)
                      .load(0x100000, Bytes(4), 0x11000)
                      .note_segment(notes)
                      .build();
        LoadStatus st = load(b, img);
        CHECK(std::string(st.reason()) == "ELF: VIRT_BASE 0x200000 above image start 0x100000");
    }
    SECTION("image range wrapping around the address space") {
        Bytes notes = concat({xtf_like_notes(), xen_number(XEN_ELFNOTE_VIRT_BASE, 0),
                              xen_number(XEN_ELFNOTE_PADDR_OFFSET, 0x100800)});
        Bytes b =
            ElfBuilder().entry(0).load(0x100000, Bytes(4), 0x11000).note_segment(notes).build();
        CHECK(std::string(load(b, img).reason()).find("above its end") != std::string::npos);
    }
    SECTION("INIT_P2M inside the image") {
        Bytes notes = concat({xtf_like_notes(), xen_number(XEN_ELFNOTE_INIT_P2M, 0x108000)});
        LoadStatus st =
            load(ElfBuilder().load(0x100000, Bytes(4), 0x11000).note_segment(notes).build(), img);
        CHECK(std::string(st.reason()) == "ELF: INIT_P2M 0x108000 lies inside the image");
    }
    SECTION("notes that fail Xen's acceptance rules") {
        Bytes notes = concat({xtf_like_notes(), xen_number(XEN_ELFNOTE_SUPPORTED_FEATURES, 0, 4)});
        Bytes b = ElfBuilder().load(0x100000, Bytes(4), 0x11000).note_segment(notes).build();
        CHECK_FALSE(load(b, img, true).ok());
        CHECK(load(b, img, false).ok());
    }
}

TEST_CASE("Segments are copied with filesz bytes and zero-filled to memsz", "[elf][pv_image]") {
    Bytes b = ElfBuilder()
                  .load(0x100000, Bytes{1, 2, 3, 4, 5}, 0x10)
                  .load(0x100020, Bytes{9, 8}, 0x2)
                  .note_segment(xtf_like_notes(0x100000))
                  .build();
    PvImage img;
    REQUIRE(load(b, img).ok());
    FakeGuestMemory mem;
    REQUIRE(copy_pv_segments(img, mem).ok());
    CHECK(mem.bytes.size() == 0x10 + 2);
    CHECK(mem.bytes[0x100000] == 1);
    CHECK(mem.bytes[0x100004] == 5);
    for (u64 va = 0x100005; va < 0x100010; va++)
        CHECK(mem.bytes[va] == 0);
    CHECK(mem.bytes[0x100020] == 9);
    CHECK(mem.bytes[0x100021] == 8);
    CHECK(mem.bytes.count(0x100010) == 0);

    SECTION("writer failures are reported with the segment") {
        FakeGuestMemory bad;
        bad.fail_at = 0x100005;
        LoadStatus st = copy_pv_segments(img, bad);
        CHECK(st.error() == XEN_EFAULT);
        CHECK(std::string(st.reason()) == "load: zeroing segment 0 at 0x100005 failed");
    }
}

TEST_CASE("Corrupting any byte of a kernel image never crashes the loader", "[elf][pv_image]") {
    Bytes full = xtf_like_builder().note_section(xtf_like_notes(0x105000)).build();
    PvImage img;
    REQUIRE(load(full, img).ok());
    // Every byte outside the 0x2000-byte text, set to a few values.
    for (usize at = 0; at < full.size(); at++) {
        if (at >= 0x80 && at < 0x2080) continue;
        for (u8 v : {u8{0}, u8{0x7f}, u8{0xff}}) {
            Bytes b = full;
            b[at] = v;
            LoadStatus st = load(b, img);
            if (!st.ok()) CHECK(std::string(st.reason()).size() > 5);
        }
    }
    // And every truncation: refused, never crashing.
    for (usize len = 0; len < full.size(); len++) {
        Bytes cut(full.begin(), full.begin() + static_cast<long>(len));
        CHECK_FALSE(load(cut, img).ok());
    }
}
