// A validated view of an ELF64 x86-64 image held in memory. parse() trusts
// nothing in the file: every header, table and segment is bounds-checked
// (with overflow-checked arithmetic) before anything is handed out, so the
// accessors below never read outside [data, data + size).
#pragma once

#include "hv/core/elf/elf64.hpp"
#include "hv/core/elf/load_status.hpp"

class ElfImage {
  public:
    // More PT_LOAD segments than any PV kernel has; bounds the builder's
    // fixed-size segment list (no heap in the hypervisor).
    static constexpr unsigned kMaxLoadSegments = 16;

    // Checks identity (ELFCLASS64, little-endian, EM_X86_64), table bounds,
    // every program header's file extent, and that the loadable segments
    // exist and do not overlap in physical address. The image memory must
    // outlive `out`.
    [[nodiscard]] static LoadStatus parse(const u8* data, u64 size, ElfImage& out);

    const u8* data() const { return data_; }
    u64 size() const { return size_; }
    const elf::Ehdr& header() const { return ehdr_; }

    unsigned phdr_count() const { return ehdr_.e_phnum; }
    elf::Phdr phdr(unsigned index) const;
    // 0 when the image has no section header table.
    unsigned shdr_count() const { return ehdr_.e_shnum; }
    elf::Shdr shdr(unsigned index) const;
    // True when the section's name (from the section name table) equals
    // `name`. False when the image has no usable name table.
    bool section_name_is(const elf::Shdr& sh, const char* name) const;

    // Physical extent of the loadable segments (pv-abi §1.2):
    // pstart = min(p_paddr), pend = max(p_paddr + p_memsz).
    u64 pstart() const { return pstart_; }
    u64 pend() const { return pend_; }
    unsigned load_segment_count() const { return load_count_; }

  private:
    const u8* data_ = nullptr;
    u64 size_ = 0;
    elf::Ehdr ehdr_ = {};
    u64 pstart_ = 0;
    u64 pend_ = 0;
    unsigned load_count_ = 0;
};
