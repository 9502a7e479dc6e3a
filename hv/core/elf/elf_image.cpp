#include "hv/core/elf/elf_image.hpp"

#include "hv/core/elf/checked_math.hpp"
#include "hv/lib/string.hpp"

namespace {

using elf::Ehdr;
using elf::Phdr;
using elf::Shdr;

LoadStatus check_identity(const u8* data, u64 size, Ehdr& ehdr) {
    if (data == nullptr || size < sizeof(Ehdr))
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: image too small for an ELF header (size 0x%llx < 0x%zx)",
                                static_cast<unsigned long long>(size), sizeof(Ehdr));
    memcpy(&ehdr, data, sizeof(Ehdr));
    if (memcmp(ehdr.e_ident, elf::kMagic, sizeof(elf::kMagic)) != 0)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: bad magic (not an ELF image)");
    if (ehdr.e_ident[elf::EI_CLASS] == elf::ELFCLASS32)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: not ELFCLASS64 (32-bit image)");
    if (ehdr.e_ident[elf::EI_CLASS] != elf::ELFCLASS64)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: unknown EI_CLASS %u",
                                ehdr.e_ident[elf::EI_CLASS]);
    if (ehdr.e_ident[elf::EI_DATA] == elf::ELFDATA2MSB)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: big-endian image (need little-endian)");
    if (ehdr.e_ident[elf::EI_DATA] != elf::ELFDATA2LSB)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: unknown EI_DATA %u", ehdr.e_ident[elf::EI_DATA]);
    if (ehdr.e_machine != elf::EM_X86_64)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: e_machine %u is not EM_X86_64 (%u)",
                                ehdr.e_machine, elf::EM_X86_64);
    return {};
}

LoadStatus check_table(const char* what, u64 offset, u16 count, u16 entsize, u16 want_entsize,
                       u64 size) {
    if (entsize != want_entsize)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: %s entry size %u, expected %u", what, entsize,
                                want_entsize);
    u64 bytes = 0;
    if (!checked_mul(count, entsize, &bytes) || !range_within(offset, bytes, size))
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: %s table (offset 0x%llx, %u entries) extends past end of "
                                "file (size 0x%llx)",
                                what, static_cast<unsigned long long>(offset), count,
                                static_cast<unsigned long long>(size));
    return {};
}

LoadStatus check_program_header(unsigned i, const Phdr& ph, u64 size) {
    if (!range_within(ph.p_offset, ph.p_filesz, size))
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: program header %u extends past end of file (offset 0x%llx + "
                                "0x%llx > size 0x%llx)",
                                i, static_cast<unsigned long long>(ph.p_offset),
                                static_cast<unsigned long long>(ph.p_filesz),
                                static_cast<unsigned long long>(size));
    if (ph.p_filesz > ph.p_memsz)
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: program header %u has p_filesz 0x%llx > p_memsz 0x%llx", i,
                                static_cast<unsigned long long>(ph.p_filesz),
                                static_cast<unsigned long long>(ph.p_memsz));
    u64 end = 0;
    if (elf::is_loadable(ph) && !checked_add(ph.p_paddr, ph.p_memsz, &end))
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: program header %u paddr 0x%llx + memsz 0x%llx overflows", i,
                                static_cast<unsigned long long>(ph.p_paddr),
                                static_cast<unsigned long long>(ph.p_memsz));
    return {};
}

} // namespace

elf::Phdr ElfImage::phdr(unsigned index) const {
    Phdr ph = {};
    if (index < ehdr_.e_phnum)
        memcpy(&ph, data_ + ehdr_.e_phoff + u64{index} * sizeof(Phdr), sizeof(Phdr));
    return ph;
}

elf::Shdr ElfImage::shdr(unsigned index) const {
    Shdr sh = {};
    if (index < ehdr_.e_shnum)
        memcpy(&sh, data_ + ehdr_.e_shoff + u64{index} * sizeof(Shdr), sizeof(Shdr));
    return sh;
}

bool ElfImage::section_name_is(const elf::Shdr& sh, const char* name) const {
    if (ehdr_.e_shstrndx == elf::SHN_UNDEF || ehdr_.e_shstrndx >= ehdr_.e_shnum) return false;
    Shdr strtab = shdr(ehdr_.e_shstrndx);
    if (strtab.sh_type == elf::SHT_NOBITS || sh.sh_name >= strtab.sh_size) return false;
    // parse() checked the name table lies inside the file; compare without
    // running past its end.
    const u8* str = data_ + strtab.sh_offset + sh.sh_name;
    u64 avail = strtab.sh_size - sh.sh_name;
    u64 n = strlen(name);
    return n < avail && memcmp(str, name, n) == 0 && str[n] == '\0';
}

LoadStatus ElfImage::parse(const u8* data, u64 size, ElfImage& out) {
    out = ElfImage{};
    Ehdr ehdr = {};
    TRY_LOAD(check_identity(data, size, ehdr));

    if (ehdr.e_phnum == 0) return LoadStatus::fail(XEN_ENOEXEC, "ELF: no program headers");
    // 0xffff (PN_XNUM) means the real count lives in section 0; no PV kernel
    // needs that many headers.
    if (ehdr.e_phnum == 0xffff)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: extended program header numbering unsupported");
    TRY_LOAD(check_table("program header", ehdr.e_phoff, ehdr.e_phnum, ehdr.e_phentsize,
                         sizeof(Phdr), size));
    if (ehdr.e_shnum != 0) {
        TRY_LOAD(check_table("section header", ehdr.e_shoff, ehdr.e_shnum, ehdr.e_shentsize,
                             sizeof(Shdr), size));
        if (ehdr.e_shstrndx != elf::SHN_UNDEF && ehdr.e_shstrndx >= ehdr.e_shnum)
            return LoadStatus::fail(XEN_ENOEXEC,
                                    "ELF: section name table index %u >= section count %u",
                                    ehdr.e_shstrndx, ehdr.e_shnum);
    }

    ElfImage img;
    img.data_ = data;
    img.size_ = size;
    img.ehdr_ = ehdr;

    for (unsigned i = 0; i < ehdr.e_shnum; i++) {
        Shdr sh = img.shdr(i);
        if (sh.sh_type == elf::SHT_NOBITS || sh.sh_type == 0) continue;
        if (!range_within(sh.sh_offset, sh.sh_size, size))
            return LoadStatus::fail(XEN_ENOEXEC,
                                    "ELF: section %u extends past end of file (offset 0x%llx + "
                                    "0x%llx > size 0x%llx)",
                                    i, static_cast<unsigned long long>(sh.sh_offset),
                                    static_cast<unsigned long long>(sh.sh_size),
                                    static_cast<unsigned long long>(size));
    }

    u64 pstart = ~u64{0};
    u64 pend = 0;
    unsigned loads = 0;
    for (unsigned i = 0; i < ehdr.e_phnum; i++) {
        Phdr ph = img.phdr(i);
        TRY_LOAD(check_program_header(i, ph, size));
        if (!elf::is_loadable(ph)) continue;
        // Overlap with an earlier loadable segment would make one overwrite
        // the other when copied; refuse rather than pick an order.
        for (unsigned j = 0; j < i; j++) {
            Phdr prev = img.phdr(j);
            if (!elf::is_loadable(prev)) continue;
            if (ranges_overlap(ph.p_paddr, ph.p_paddr + ph.p_memsz, prev.p_paddr,
                               prev.p_paddr + prev.p_memsz))
                return LoadStatus::fail(
                    XEN_ENOEXEC,
                    "ELF: loadable segments %u and %u overlap (paddr "
                    "0x%llx-0x%llx and 0x%llx-0x%llx)",
                    j, i, static_cast<unsigned long long>(prev.p_paddr),
                    static_cast<unsigned long long>(prev.p_paddr + prev.p_memsz),
                    static_cast<unsigned long long>(ph.p_paddr),
                    static_cast<unsigned long long>(ph.p_paddr + ph.p_memsz));
        }
        if (++loads > kMaxLoadSegments)
            return LoadStatus::fail(XEN_ENOEXEC, "ELF: more than %u loadable segments",
                                    kMaxLoadSegments);
        if (ph.p_paddr < pstart) pstart = ph.p_paddr;
        if (ph.p_paddr + ph.p_memsz > pend) pend = ph.p_paddr + ph.p_memsz;
    }
    if (loads == 0)
        return LoadStatus::fail(XEN_ENOEXEC, "ELF: no loadable (PT_LOAD with R/W/X) segment");

    img.pstart_ = pstart;
    img.pend_ = pend;
    img.load_count_ = loads;
    out = img;
    return {};
}
