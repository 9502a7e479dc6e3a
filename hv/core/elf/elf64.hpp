// The ELF64 on-disk structures and constants the PV domain builder reads
// (System V gABI, x86-64 psABI). Images are little-endian x86-64 only, and
// the parser copies each header out of the file with memcpy, so these are
// plain structs read in host byte order with no alignment assumptions.
#pragma once

#include "hv/lib/types.hpp"

namespace elf {

constexpr u8 kMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr unsigned EI_CLASS = 4;
constexpr unsigned EI_DATA = 5;
constexpr unsigned EI_VERSION = 6;
constexpr u8 ELFCLASS32 = 1;
constexpr u8 ELFCLASS64 = 2;
constexpr u8 ELFDATA2LSB = 1;
constexpr u8 ELFDATA2MSB = 2;
constexpr u8 EV_CURRENT = 1;
constexpr u16 EM_386 = 3;
constexpr u16 EM_X86_64 = 62;

constexpr u32 PT_NULL = 0;
constexpr u32 PT_LOAD = 1;
constexpr u32 PT_NOTE = 4;
constexpr u32 PF_X = 1;
constexpr u32 PF_W = 2;
constexpr u32 PF_R = 4;

constexpr u32 SHT_NOTE = 7;
constexpr u32 SHT_NOBITS = 8;
constexpr u16 SHN_UNDEF = 0;

struct Ehdr {
    u8 e_ident[16];
    u16 e_type;
    u16 e_machine;
    u32 e_version;
    u64 e_entry;
    u64 e_phoff;
    u64 e_shoff;
    u32 e_flags;
    u16 e_ehsize;
    u16 e_phentsize;
    u16 e_phnum;
    u16 e_shentsize;
    u16 e_shnum;
    u16 e_shstrndx;
};
static_assert(sizeof(Ehdr) == 64);

struct Phdr {
    u32 p_type;
    u32 p_flags;
    u64 p_offset;
    u64 p_vaddr;
    u64 p_paddr;
    u64 p_filesz;
    u64 p_memsz;
    u64 p_align;
};
static_assert(sizeof(Phdr) == 56);

struct Shdr {
    u32 sh_name;
    u32 sh_type;
    u64 sh_flags;
    u64 sh_addr;
    u64 sh_offset;
    u64 sh_size;
    u32 sh_link;
    u32 sh_info;
    u64 sh_addralign;
    u64 sh_entsize;
};
static_assert(sizeof(Shdr) == 64);

// Note header; name and descriptor follow, each padded to 4 bytes.
struct Nhdr {
    u32 n_namesz;
    u32 n_descsz;
    u32 n_type;
};
static_assert(sizeof(Nhdr) == 12);

// Xen's rule (libelf elf_phdr_is_loadable): a PT_LOAD with no R/W/X flag
// is not loaded at all.
constexpr bool is_loadable(const Phdr& ph) {
    return ph.p_type == PT_LOAD && (ph.p_flags & (PF_R | PF_W | PF_X)) != 0;
}

} // namespace elf
