// Test helper: synthesises ELF64 x86-64 images in memory, so the parser can
// be driven with valid images and with precisely broken ones (patch the
// built bytes with put16/put32/put64 at the offsets named below).
#pragma once

#include "hv/abi/elfnote.hpp"
#include "hv/core/elf/elf64.hpp"

#include <cstring>
#include <string>
#include <vector>

namespace test {

using Bytes = std::vector<u8>;

// Byte offsets of header fields, for corrupting built images.
namespace off {
constexpr usize e_machine = 18;
constexpr usize e_entry = 24;
constexpr usize e_phoff = 32;
constexpr usize e_shoff = 40;
constexpr usize e_phentsize = 54;
constexpr usize e_phnum = 56;
constexpr usize e_shentsize = 58;
constexpr usize e_shnum = 60;
constexpr usize e_shstrndx = 62;
constexpr usize kPhdrTable = 64; // the builder puts the program headers here
constexpr usize p_type = 0, p_flags = 4, p_offset = 8, p_paddr = 24, p_filesz = 32, p_memsz = 40;
inline usize phdr(unsigned i, usize field) {
    return kPhdrTable + i * sizeof(elf::Phdr) + field;
}
} // namespace off

inline void put16(Bytes& b, usize at, u16 v) {
    std::memcpy(b.data() + at, &v, sizeof(v));
}
inline void put32(Bytes& b, usize at, u32 v) {
    std::memcpy(b.data() + at, &v, sizeof(v));
}
inline void put64(Bytes& b, usize at, u64 v) {
    std::memcpy(b.data() + at, &v, sizeof(v));
}

inline void pad_to(Bytes& b, usize align) {
    while (b.size() % align)
        b.push_back(0);
}

// One ELF note: header, name and descriptor, each padded to `align`.
inline Bytes note(const std::string& name, u32 type, const Bytes& desc, usize align = 4) {
    Bytes b;
    elf::Nhdr nh{static_cast<u32>(name.size() + 1), static_cast<u32>(desc.size()), type};
    b.resize(sizeof(nh));
    std::memcpy(b.data(), &nh, sizeof(nh));
    b.insert(b.end(), name.begin(), name.end());
    b.push_back(0);
    pad_to(b, align);
    b.insert(b.end(), desc.begin(), desc.end());
    pad_to(b, align);
    return b;
}

inline Bytes number_desc(u64 v, usize size = 8) {
    Bytes b(size);
    std::memcpy(b.data(), &v, size < 8 ? size : 8);
    return b;
}

inline Bytes string_desc(const std::string& s) {
    Bytes b(s.begin(), s.end());
    b.push_back(0);
    return b;
}

inline Bytes xen_number(xen::ElfNoteType type, u64 v, usize size = 8) {
    return note("Xen", type, number_desc(v, size));
}
inline Bytes xen_string(xen::ElfNoteType type, const std::string& s) {
    return note("Xen", type, string_desc(s));
}

inline Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The notes an XTF pv64 kernel carries (pv-abi §1.3).
inline Bytes xtf_like_notes(u64 hypercall_page = 0x106000) {
    using namespace xen;
    return concat({
        xen_string(XEN_ELFNOTE_GUEST_OS, "XTF"),
        xen_string(XEN_ELFNOTE_GUEST_VERSION, "0"),
        xen_string(XEN_ELFNOTE_LOADER, "generic"),
        xen_number(XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page),
        xen_string(XEN_ELFNOTE_XEN_VERSION, "xen-3.0"),
        xen_string(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"),
        xen_string(XEN_ELFNOTE_PAE_MODE, "yes"),
    });
}

class ElfBuilder {
  public:
    struct Segment {
        u32 type;
        u32 flags;
        u64 paddr;
        Bytes data;
        u64 memsz;
        u64 align;
    };
    struct Section {
        std::string name;
        u32 type;
        Bytes data;
        u64 align;
    };

    ElfBuilder& entry(u64 e) {
        entry_ = e;
        return *this;
    }
    ElfBuilder& load(u64 paddr, Bytes data, u64 memsz,
                     u32 flags = elf::PF_R | elf::PF_W | elf::PF_X) {
        segments_.push_back({elf::PT_LOAD, flags, paddr, std::move(data), memsz, 16});
        return *this;
    }
    ElfBuilder& note_segment(Bytes notes, u64 align = 4) {
        u64 size = notes.size();
        segments_.push_back({elf::PT_NOTE, elf::PF_R, 0, std::move(notes), size, align});
        return *this;
    }
    ElfBuilder& section(std::string name, u32 type, Bytes data, u64 align = 4) {
        sections_.push_back({std::move(name), type, std::move(data), align});
        return *this;
    }
    ElfBuilder& note_section(Bytes notes, u64 align = 4) {
        return section(".note.Xen", elf::SHT_NOTE, std::move(notes), align);
    }

    Bytes build() const {
        Bytes out(sizeof(elf::Ehdr) + segments_.size() * sizeof(elf::Phdr));
        std::vector<elf::Phdr> phdrs;
        for (const Segment& s : segments_) {
            pad_to(out, 16);
            elf::Phdr ph{s.type,  s.flags,       out.size(), s.paddr,
                         s.paddr, s.data.size(), s.memsz,    s.align};
            phdrs.push_back(ph);
            out.insert(out.end(), s.data.begin(), s.data.end());
        }
        u16 shnum = 0, shstrndx = 0;
        u64 shoff = 0;
        if (!sections_.empty()) {
            std::vector<elf::Shdr> shdrs(1); // index 0: SHN_UNDEF
            Bytes names(1, 0);
            for (const Section& s : sections_) {
                pad_to(out, 16);
                elf::Shdr sh{};
                sh.sh_name = static_cast<u32>(names.size());
                sh.sh_type = s.type;
                sh.sh_offset = out.size();
                sh.sh_size = s.data.size();
                sh.sh_addralign = s.align;
                shdrs.push_back(sh);
                names.insert(names.end(), s.name.begin(), s.name.end());
                names.push_back(0);
                out.insert(out.end(), s.data.begin(), s.data.end());
            }
            elf::Shdr strtab{};
            strtab.sh_name = static_cast<u32>(names.size());
            const std::string strtab_name = ".shstrtab";
            names.insert(names.end(), strtab_name.begin(), strtab_name.end());
            names.push_back(0);
            strtab.sh_type = 3; // SHT_STRTAB
            strtab.sh_offset = out.size();
            strtab.sh_size = names.size();
            out.insert(out.end(), names.begin(), names.end());
            shstrndx = static_cast<u16>(shdrs.size());
            shdrs.push_back(strtab);
            pad_to(out, 16);
            shoff = out.size();
            shnum = static_cast<u16>(shdrs.size());
            for (const elf::Shdr& sh : shdrs) {
                usize at = out.size();
                out.resize(at + sizeof(sh));
                std::memcpy(out.data() + at, &sh, sizeof(sh));
            }
        }
        elf::Ehdr eh{};
        std::memcpy(eh.e_ident, elf::kMagic, 4);
        eh.e_ident[elf::EI_CLASS] = elf::ELFCLASS64;
        eh.e_ident[elf::EI_DATA] = elf::ELFDATA2LSB;
        eh.e_ident[elf::EI_VERSION] = elf::EV_CURRENT;
        eh.e_type = 2; // ET_EXEC
        eh.e_machine = elf::EM_X86_64;
        eh.e_version = elf::EV_CURRENT;
        eh.e_entry = entry_;
        eh.e_phoff = sizeof(elf::Ehdr);
        eh.e_shoff = shoff;
        eh.e_ehsize = sizeof(elf::Ehdr);
        eh.e_phentsize = sizeof(elf::Phdr);
        eh.e_phnum = static_cast<u16>(segments_.size());
        eh.e_shentsize = sizeof(elf::Shdr);
        eh.e_shnum = shnum;
        eh.e_shstrndx = shstrndx;
        std::memcpy(out.data(), &eh, sizeof(eh));
        for (usize i = 0; i < phdrs.size(); i++)
            std::memcpy(out.data() + off::phdr(static_cast<unsigned>(i), 0), &phdrs[i],
                        sizeof(elf::Phdr));
        return out;
    }

  private:
    u64 entry_ = 0x100000;
    std::vector<Segment> segments_;
    std::vector<Section> sections_;
};

// A kernel shaped like XTF's test-pv64-example: one RWX PT_LOAD at 1 MiB
// (0x2000 bytes of recognisable content, memsz 0x11000), entry 1 MiB, and
// the Xen notes in a PT_NOTE segment.
inline ElfBuilder xtf_like_builder(u64 hypercall_page = 0x106000) {
    Bytes text(0x2000);
    for (usize i = 0; i < text.size(); i++)
        text[i] = static_cast<u8>(i * 7 + 1);
    ElfBuilder b;
    b.entry(0x100000).load(0x100000, text, 0x11000).note_segment(xtf_like_notes(hypercall_page));
    return b;
}

} // namespace test
