// ElfImage::parse: identity checks, table and segment bounds, and that no
// input (truncated, corrupted) makes it read outside the buffer.
#include "elf_builder.hpp"
#include "hv/core/elf/elf_image.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

using namespace test;

namespace {

LoadStatus parse(const Bytes& b, ElfImage& img) {
    return ElfImage::parse(b.data(), b.size(), img);
}

// Parses and returns the refusal reason ("" on success).
std::string refusal(const Bytes& b, XenErrno want = XEN_ENOEXEC) {
    ElfImage img;
    LoadStatus st = parse(b, img);
    if (st.ok()) return "";
    CHECK(st.error() == want);
    return st.reason();
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("A well-formed x86-64 image parses and reports its physical extent", "[elf]") {
    Bytes b = xtf_like_builder().build();
    ElfImage img;
    LoadStatus st = parse(b, img);
    INFO(st.reason());
    REQUIRE(st.ok());
    CHECK(std::string(st.reason()).empty());
    CHECK(img.phdr_count() == 2);
    CHECK(img.load_segment_count() == 1);
    CHECK(img.pstart() == 0x100000);
    CHECK(img.pend() == 0x111000);
    CHECK(img.header().e_entry == 0x100000);
    CHECK(img.phdr(0).p_type == elf::PT_LOAD);
    CHECK(img.phdr(1).p_type == elf::PT_NOTE);
}

TEST_CASE("Images that are not ELF64 little-endian x86-64 are refused with the reason", "[elf]") {
    Bytes good = xtf_like_builder().build();

    SECTION("bad magic") {
        Bytes b = good;
        b[1] = 'X';
        CHECK(contains(refusal(b), "bad magic"));
    }
    SECTION("32-bit class") {
        Bytes b = good;
        b[elf::EI_CLASS] = elf::ELFCLASS32;
        CHECK(refusal(b) == "ELF: not ELFCLASS64 (32-bit image)");
    }
    SECTION("unknown class") {
        Bytes b = good;
        b[elf::EI_CLASS] = 9;
        CHECK(refusal(b) == "ELF: unknown EI_CLASS 9");
    }
    SECTION("big-endian") {
        Bytes b = good;
        b[elf::EI_DATA] = elf::ELFDATA2MSB;
        CHECK(contains(refusal(b), "big-endian"));
    }
    SECTION("wrong machine") {
        Bytes b = good;
        put16(b, off::e_machine, elf::EM_386);
        CHECK(refusal(b) == "ELF: e_machine 3 is not EM_X86_64 (62)");
    }
    SECTION("null data") {
        ElfImage img;
        LoadStatus st = ElfImage::parse(nullptr, 100, img);
        CHECK(st.error() == XEN_ENOEXEC);
    }
}

TEST_CASE("Header tables must lie inside the file", "[elf]") {
    Bytes good = xtf_like_builder().build();

    SECTION("program header table past the end") {
        Bytes b = good;
        put64(b, off::e_phoff, b.size() - 10);
        CHECK(contains(refusal(b), "program header table"));
    }
    SECTION("program header table offset that wraps around") {
        Bytes b = good;
        put64(b, off::e_phoff, ~u64{0} - 8);
        CHECK(contains(refusal(b), "extends past end of file"));
    }
    SECTION("wrong program header entry size") {
        Bytes b = good;
        put16(b, off::e_phentsize, 32);
        CHECK(refusal(b) == "ELF: program header entry size 32, expected 56");
    }
    SECTION("no program headers") {
        Bytes b = good;
        put16(b, off::e_phnum, 0);
        CHECK(refusal(b) == "ELF: no program headers");
    }
    SECTION("huge program header count") {
        Bytes b = good;
        put16(b, off::e_phnum, 0xfffe);
        CHECK(contains(refusal(b), "program header table"));
    }
    SECTION("section header table past the end") {
        Bytes b = xtf_like_builder().section(".x", 1, Bytes(8)).build();
        REQUIRE(refusal(b).empty());
        put64(b, off::e_shoff, b.size());
        CHECK(contains(refusal(b), "section header table"));
    }
    SECTION("section name table index out of range") {
        Bytes b = xtf_like_builder().section(".x", 1, Bytes(8)).build();
        put16(b, off::e_shstrndx, 40);
        CHECK(contains(refusal(b), "section name table index 40"));
    }
}

TEST_CASE("Every program header's file extent is checked", "[elf]") {
    Bytes good = xtf_like_builder().build();

    SECTION("segment extends past end of file, reason names it exactly") {
        Bytes b = good;
        put64(b, off::phdr(1, off::p_filesz), 0x10000);
        u64 offset = 0;
        std::memcpy(&offset, b.data() + off::phdr(1, off::p_offset), 8);
        char want[160];
        std::snprintf(want, sizeof(want),
                      "ELF: program header 1 extends past end of file (offset 0x%llx + 0x10000 > "
                      "size 0x%zx)",
                      static_cast<unsigned long long>(offset), b.size());
        CHECK(refusal(b) == want);
    }
    SECTION("offset + size overflows") {
        Bytes b = good;
        put64(b, off::phdr(0, off::p_offset), ~u64{0} - 0xf);
        CHECK(contains(refusal(b), "program header 0 extends past end of file"));
    }
    SECTION("filesz larger than memsz") {
        Bytes b = good;
        put64(b, off::phdr(0, off::p_memsz), 0x100);
        CHECK(refusal(b) == "ELF: program header 0 has p_filesz 0x2000 > p_memsz 0x100");
    }
    SECTION("paddr + memsz overflows") {
        Bytes b = good;
        put64(b, off::phdr(0, off::p_paddr), ~u64{0} - 0x1000);
        CHECK(contains(refusal(b), "overflows"));
    }
}

TEST_CASE("Loadable segments must exist and not overlap", "[elf]") {
    SECTION("overlapping PT_LOADs") {
        Bytes b = ElfBuilder()
                      .load(0x100000, Bytes(0x100), 0x2000)
                      .load(0x101000, Bytes(0x100), 0x1000)
                      .note_segment(xtf_like_notes())
                      .build();
        CHECK(refusal(b) == "ELF: loadable segments 0 and 1 overlap (paddr 0x100000-0x102000 and "
                            "0x101000-0x102000)");
    }
    SECTION("adjacent PT_LOADs are fine and extend the extent") {
        Bytes b = ElfBuilder()
                      .load(0x200000, Bytes(0x10), 0x1000)
                      .load(0x100000, Bytes(0x10), 0x100000)
                      .build();
        ElfImage img;
        REQUIRE(parse(b, img).ok());
        CHECK(img.pstart() == 0x100000);
        CHECK(img.pend() == 0x201000);
        CHECK(img.load_segment_count() == 2);
    }
    SECTION("a PT_LOAD without R/W/X flags is ignored, even when it overlaps") {
        Bytes b = ElfBuilder()
                      .load(0x100000, Bytes(0x10), 0x1000)
                      .load(0x100000, Bytes(0x10), 0x8000, 0)
                      .build();
        ElfImage img;
        REQUIRE(parse(b, img).ok());
        CHECK(img.load_segment_count() == 1);
        CHECK(img.pend() == 0x101000);
    }
    SECTION("no loadable segment") {
        Bytes b = ElfBuilder().note_segment(xtf_like_notes()).build();
        CHECK(refusal(b) == "ELF: no loadable (PT_LOAD with R/W/X) segment");
    }
    SECTION("too many loadable segments") {
        ElfBuilder builder;
        for (unsigned i = 0; i <= ElfImage::kMaxLoadSegments; i++)
            builder.load(0x100000 + i * 0x1000, Bytes(4), 0x1000);
        CHECK(contains(refusal(builder.build()), "more than 16 loadable segments"));
    }
}

TEST_CASE("Truncated images are refused at every length, never crash", "[elf]") {
    Bytes full = xtf_like_builder().section(".x", 1, Bytes(32, 0xab)).build();
    ElfImage img;
    REQUIRE(parse(full, img).ok());
    for (usize len = 0; len < full.size(); len++) {
        // A fresh heap copy of exactly `len` bytes, so ASan flags any read
        // past the end.
        Bytes cut(full.begin(), full.begin() + static_cast<long>(len));
        LoadStatus st = ElfImage::parse(cut.data(), cut.size(), img);
        INFO("length " << len);
        REQUIRE_FALSE(st.ok());
        CHECK(st.error() == XEN_ENOEXEC);
        CHECK(std::string(st.reason()).rfind("ELF: ", 0) == 0);
    }
}

TEST_CASE("Randomly corrupted headers never crash the parser", "[elf]") {
    Bytes full = xtf_like_builder().section(".x", 1, Bytes(32, 0xab)).build();
    u64 seed = 0x12345678;
    auto rnd = [&] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return seed >> 33;
    };
    // The headers live in the first and last few hundred bytes.
    for (int round = 0; round < 20000; round++) {
        Bytes b = full;
        for (int k = 0; k < 4; k++) {
            usize at = rnd() % 240;
            if (rnd() & 1) at = b.size() - 1 - at % 200;
            b[at] = static_cast<u8>(rnd());
        }
        ElfImage img;
        LoadStatus st = parse(b, img);
        if (!st.ok()) CHECK(std::string(st.reason()).size() > 5);
    }
}
