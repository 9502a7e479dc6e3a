// Xen ELF notes: where they are looked for, bounds checks on malformed
// notes, value decoding, FEATURES parsing and Xen's acceptance rules.
#include "elf_builder.hpp"
#include "hv/core/elf/note_reader.hpp"
#include "hv/core/elf/xen_notes.hpp"
#include "hv/lib/string.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace test;
using namespace xen;

namespace {

// Parses the image and reads its notes; returns the refusal reason.
std::string read_notes(const Bytes& b, XenNotes& notes) {
    ElfImage img;
    LoadStatus st = ElfImage::parse(b.data(), b.size(), img);
    if (!st.ok()) return std::string("parse: ") + st.reason();
    st = read_xen_notes(img, notes);
    return st.ok() ? "" : st.reason();
}

Bytes image_with_notes(const Bytes& notes) {
    return ElfBuilder().load(0x100000, Bytes(0x100), 0x1000).note_segment(notes).build();
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("XTF-like notes in a PT_NOTE segment are all collected", "[elf][notes]") {
    XenNotes n;
    REQUIRE(read_notes(xtf_like_builder().build(), n) == "");
    CHECK(n.count == 7);
    CHECK_FALSE(n.from_sections);
    CHECK(n.hypercall_page.present);
    CHECK(n.hypercall_page.value == 0x106000);
    CHECK_FALSE(n.entry.present);
    CHECK_FALSE(n.virt_base.present);
    CHECK_FALSE(n.paddr_offset.present);
    CHECK(std::string(n.guest_os) == "XTF");
    CHECK(std::string(n.loader) == "generic");
    CHECK(std::string(n.xen_version) == "xen-3.0");
    CHECK(std::string(n.guest_version) == "0");
    CHECK(std::string(n.pae_mode) == "yes");
    CHECK(n.features_supported ==
          ((1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_pae_pgdir_above_4gb)));
    CHECK(n.features_required == (1u << XENFEAT_writable_page_tables));
    CHECK(check_xen_notes(n, true).ok());
}

TEST_CASE("Every numeric note and flag note is decoded", "[elf][notes]") {
    Bytes notes = concat({
        xtf_like_notes(), xen_number(XEN_ELFNOTE_ENTRY, 0xffffffff81000000ull),
        xen_number(XEN_ELFNOTE_VIRT_BASE, 0xffffffff80000000ull),
        xen_number(XEN_ELFNOTE_PADDR_OFFSET, 0x1234, 4),
        xen_number(XEN_ELFNOTE_INIT_P2M, 0x8000000000ull),
        xen_number(XEN_ELFNOTE_MOD_START_PFN, 1, 1),
        xen_number(XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << XENFEAT_dom0, 4),
        xen_string(XEN_ELFNOTE_BSD_SYMTAB, "yes"),
        note("GNU", 3, Bytes(20, 0x55)),                // other owners are skipped
        xen_number(static_cast<ElfNoteType>(99), 1234), // unknown types too
    });
    XenNotes n;
    REQUIRE(read_notes(image_with_notes(notes), n) == "");
    CHECK(n.count == 15);
    CHECK(n.entry.value == 0xffffffff81000000ull);
    CHECK(n.virt_base.value == 0xffffffff80000000ull);
    CHECK(n.paddr_offset.value == 0x1234);
    CHECK(n.init_p2m.value == 0x8000000000ull);
    CHECK(n.mod_start_pfn);
    CHECK(n.bsd_symtab);
    CHECK(n.supported_features_note.present);
    CHECK((n.features_supported & (1u << XENFEAT_dom0)) != 0);
}

TEST_CASE("Numeric notes of size 1, 2, 4, 8 are read; other sizes read as 0", "[elf][notes]") {
    for (usize size : {1, 2, 4, 8, 3, 5, 16}) {
        Bytes desc(size, 0);
        for (usize i = 0; i < size; i++)
            desc[i] = static_cast<u8>(0x11 * (i + 1));
        XenNotes n;
        REQUIRE(read_notes(image_with_notes(note("Xen", XEN_ELFNOTE_VIRT_BASE, desc)), n) == "");
        REQUIRE(n.virt_base.present);
        u64 want = 0;
        if (size == 1 || size == 2 || size == 4 || size == 8) std::memcpy(&want, desc.data(), size);
        INFO("descsz " << size);
        CHECK(n.virt_base.value == want);
    }
}

TEST_CASE("Notes in SHT_NOTE sections are used only when no PT_NOTE has one", "[elf][notes]") {
    SECTION("section-only notes") {
        Bytes b = ElfBuilder()
                      .load(0x100000, Bytes(0x100), 0x1000)
                      .note_section(xtf_like_notes(0x105000))
                      .build();
        XenNotes n;
        REQUIRE(read_notes(b, n) == "");
        CHECK(n.from_sections);
        CHECK(n.hypercall_page.value == 0x105000);
    }
    SECTION("segment notes win over section notes") {
        Bytes b = xtf_like_builder(0x106000).note_section(xtf_like_notes(0x105000)).build();
        XenNotes n;
        REQUIRE(read_notes(b, n) == "");
        CHECK_FALSE(n.from_sections);
        CHECK(n.hypercall_page.value == 0x106000);
    }
    SECTION("a PT_NOTE with only non-Xen notes falls back to sections") {
        Bytes b = ElfBuilder()
                      .load(0x100000, Bytes(0x100), 0x1000)
                      .note_segment(note("GNU", 3, Bytes(20)))
                      .note_section(xtf_like_notes(0x105000))
                      .build();
        XenNotes n;
        REQUIRE(read_notes(b, n) == "");
        CHECK(n.from_sections);
    }
    SECTION("a PT_NOTE with p_offset 0 is skipped (binutils quirk)") {
        Bytes b = xtf_like_builder().build();
        put64(b, off::phdr(1, off::p_offset), 0);
        XenNotes n;
        CHECK(read_notes(b, n) == "ELF: no Xen ELF notes (not a PV kernel)");
    }
    SECTION("8-byte aligned note regions use 8-byte padding") {
        Bytes notes = concat({note("GNU", 5, Bytes(12, 1), 8),
                              note("Xen", XEN_ELFNOTE_HYPERCALL_PAGE, number_desc(0x104000), 8)});
        Bytes b = ElfBuilder().load(0x100000, Bytes(0x100), 0x1000).note_segment(notes, 8).build();
        XenNotes n;
        REQUIRE(read_notes(b, n) == "");
        CHECK(n.hypercall_page.value == 0x104000);
    }
}

TEST_CASE("Images without Xen notes are refused", "[elf][notes]") {
    XenNotes n;
    SECTION("no notes at all") {
        Bytes b = ElfBuilder().load(0x100000, Bytes(0x100), 0x1000).build();
        CHECK(read_notes(b, n) == "ELF: no Xen ELF notes (not a PV kernel)");
    }
    SECTION("legacy __xen_guest section") {
        Bytes b = ElfBuilder()
                      .load(0x100000, Bytes(0x100), 0x1000)
                      .section("__xen_guest", 1, string_desc("GUEST_OS=linux,XEN_VER=xen-3.0"))
                      .build();
        CHECK(contains(read_notes(b, n), "legacy __xen_guest section is not supported"));
    }
    SECTION("a note named Xen1 or Xe is not a Xen note") {
        Bytes notes = concat({note("Xen1", XEN_ELFNOTE_ENTRY, number_desc(1)),
                              note("Xe", XEN_ELFNOTE_ENTRY, number_desc(1))});
        CHECK(read_notes(image_with_notes(notes), n) == "ELF: no Xen ELF notes (not a PV kernel)");
    }
}

TEST_CASE("Malformed notes are refused with their position", "[elf][notes]") {
    XenNotes n;
    Bytes good = xtf_like_notes();

    SECTION("namesz runs past the segment") {
        Bytes notes = good;
        put32(notes, 0, 0xfffffff0u);
        CHECK(contains(read_notes(image_with_notes(notes), n),
                       "note at offset 0x0 of program header 1 overruns it"));
    }
    SECTION("descsz runs past the segment") {
        Bytes notes = good;
        put32(notes, 4, 0xffffffffu);
        CHECK(contains(read_notes(image_with_notes(notes), n), "overruns it (namesz 0x4, descsz "
                                                               "0xffffffff"));
    }
    SECTION("segment ends inside a note header") {
        Bytes notes = good;
        notes.resize(notes.size() + 8, 0);
        CHECK(contains(read_notes(image_with_notes(notes), n), "truncated"));
    }
    SECTION("string note without NUL terminator") {
        Bytes notes = concat({good, note("Xen", XEN_ELFNOTE_LOADER, Bytes{'g', 'e', 'n', 'e'})});
        CHECK(contains(read_notes(image_with_notes(notes), n), "Xen note LOADER (offset 0x"));
    }
    SECTION("empty string note") {
        Bytes notes = concat({good, note("Xen", XEN_ELFNOTE_GUEST_OS, Bytes{})});
        CHECK(contains(read_notes(image_with_notes(notes), n), "not NUL-terminated"));
    }
    SECTION("every truncation of the note area is refused or parsed, never overread") {
        for (usize len = 0; len < good.size(); len++) {
            Bytes notes(good.begin(), good.begin() + static_cast<long>(len));
            XenNotes tmp;
            (void)read_notes(image_with_notes(notes), tmp); // must not crash
        }
    }
}

TEST_CASE("A note region can end without padding after the last descriptor", "[elf][notes]") {
    Bytes notes = xtf_like_notes();
    Bytes last = note("Xen", XEN_ELFNOTE_ENTRY, number_desc(0x42, 1)); // desc padded by 3
    notes.insert(notes.end(), last.begin(), last.end() - 3);
    XenNotes n;
    REQUIRE(read_notes(image_with_notes(notes), n) == "");
    CHECK(n.entry.value == 0x42);
}

TEST_CASE("A FEATURES note ends at its descriptor, with or without a NUL", "[elf][notes]") {
    // Linux writes FEATURES with .ascii: no terminator, only the note's
    // alignment padding after it.
    std::string text = "!pae_pgdir_above_4gb|dom0";
    Bytes notes = concat(
        {xtf_like_notes(), note("Xen", XEN_ELFNOTE_FEATURES, Bytes(text.begin(), text.end()))});
    XenNotes n;
    REQUIRE(read_notes(image_with_notes(notes), n) == "");
    CHECK((n.features_required & (1u << XENFEAT_pae_pgdir_above_4gb)) != 0);
    CHECK((n.features_supported & (1u << XENFEAT_dom0)) != 0);
}

TEST_CASE("FEATURES strings parse into supported and required bitmaps", "[elf][notes]") {
    auto parse = [](const std::string& s, u32& sup, u32& req) {
        sup = req = 0;
        return parse_xen_features(s.data(), s.size(), sup, req);
    };
    u32 sup = 0, req = 0;
    REQUIRE(parse("!writable_page_tables|pae_pgdir_above_4gb", sup, req).ok());
    CHECK(sup == 0x11);
    CHECK(req == 0x1);
    REQUIRE(parse("writable_descriptor_tables|auto_translated_physmap|!dom0|hvm_callback_vector",
                  sup, req)
                .ok());
    CHECK(sup == ((1u << 1) | (1u << 2) | (1u << 11) | (1u << 8)));
    CHECK(req == (1u << 11));
    REQUIRE(parse("", sup, req).ok());
    CHECK(sup == 0);
    REQUIRE(parse("|||", sup, req).ok());
    REQUIRE(parse("unknown_feature|writable_page_tables|", sup, req).ok());
    CHECK(sup == 1);
    LoadStatus st = parse("writable_page_tables|!frobnicate", sup, req);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error() == XEN_EINVAL);
    CHECK(std::string(st.reason()) == "ELF: FEATURES note requires unknown feature 'frobnicate'");
    // A name is matched whole, not as a prefix.
    CHECK_FALSE(parse("!dom", sup, req).ok());
    CHECK_FALSE(parse("!dom0x", sup, req).ok());
}

TEST_CASE("Xen's acceptance rules for the notes", "[elf][notes]") {
    XenNotes n;
    REQUIRE(read_notes(xtf_like_builder().build(), n) == "");
    REQUIRE(check_xen_notes(n, false).ok());

    SECTION("XEN_VERSION must start with xen-3.0") {
        copy_string(n.xen_version, sizeof(n.xen_version), "xen-4.0");
        LoadStatus st = check_xen_notes(n, false);
        CHECK(st.error() == XEN_EINVAL);
        CHECK(std::string(st.reason()) == "ELF: XEN_VERSION 'xen-4.0' is not xen-3.0");
        copy_string(n.xen_version, sizeof(n.xen_version), "xen-3.0-x86_64");
        CHECK(check_xen_notes(n, false).ok());
        n.xen_version[0] = '\0';
        CHECK_FALSE(check_xen_notes(n, false).ok());
    }
    SECTION("LOADER generic or GUEST_OS linux") {
        copy_string(n.loader, sizeof(n.loader), "elf");
        LoadStatus st = check_xen_notes(n, false);
        CHECK(contains(st.reason(), "LOADER 'elf', GUEST_OS 'XTF'"));
        copy_string(n.guest_os, sizeof(n.guest_os), "linux-6.1");
        CHECK(check_xen_notes(n, false).ok());
    }
    SECTION("required supervisor_mode_kernel is refused") {
        n.features_required |= 1u << XENFEAT_supervisor_mode_kernel;
        CHECK(contains(check_xen_notes(n, false).reason(), "supervisor_mode_kernel"));
    }
    SECTION("SUPPORTED_FEATURES must include dom0 for the hardware domain only") {
        n.supported_features_note = {true, 1};
        n.features_supported |= 1;
        CHECK(check_xen_notes(n, false).ok());
        CHECK(contains(check_xen_notes(n, true).reason(), "XENFEAT_dom0"));
        n.features_supported |= 1u << XENFEAT_dom0;
        CHECK(check_xen_notes(n, true).ok());
    }
}

TEST_CASE("NoteReader walks notes one by one", "[elf][notes]") {
    Bytes notes = concat({note("Xen", 5, string_desc("abc")), note("GNU", 3, Bytes(5, 9))});
    NoteReader r(notes.data(), notes.size(), 4, "section", 2);
    ElfNote n;
    bool have = false;
    REQUIRE(r.next(n, have).ok());
    REQUIRE(have);
    CHECK(n.name_is("Xen"));
    CHECK(n.type == 5);
    CHECK(n.descsz == 4);
    CHECK(n.offset == 0);
    REQUIRE(r.next(n, have).ok());
    REQUIRE(have);
    CHECK(n.name_is("GNU"));
    CHECK(n.offset == 12 + 4 + 4);
    CHECK(n.descsz == 5);
    REQUIRE(r.next(n, have).ok());
    CHECK_FALSE(have);
}
