#include "hv/core/elf/note_reader.hpp"

#include "hv/core/elf/elf64.hpp"
#include "hv/lib/string.hpp"

bool ElfNote::name_is(const char* want) const {
    usize n = strlen(want);
    return namesz == n + 1 && memcmp(name, want, n) == 0 && name[n] == '\0';
}

NoteReader::NoteReader(const u8* base, u64 len, u64 align, const char* region_kind,
                       unsigned region_index)
    : base_(base), len_(len), align_(align == 8 ? 8 : 4), kind_(region_kind), index_(region_index) {
}

LoadStatus NoteReader::next(ElfNote& out, bool& have) {
    have = false;
    if (pos_ >= len_) return {};
    u64 left = len_ - pos_;
    if (left < sizeof(elf::Nhdr))
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: note at offset 0x%llx of %s %u truncated (0x%llx bytes left, "
                                "header needs 0x%zx)",
                                static_cast<unsigned long long>(pos_), kind_, index_,
                                static_cast<unsigned long long>(left), sizeof(elf::Nhdr));
    elf::Nhdr nh;
    memcpy(&nh, base_ + pos_, sizeof(nh));
    // Offsets are relative to the note header, which starts aligned. The
    // sizes are 32-bit, so these 64-bit sums cannot overflow.
    u64 desc_off = round_up(sizeof(elf::Nhdr) + u64{nh.n_namesz}, align_);
    u64 desc_end = desc_off + nh.n_descsz;
    // The last note's descriptor may end the region without trailing padding.
    if (desc_end > left)
        return LoadStatus::fail(XEN_ENOEXEC,
                                "ELF: note at offset 0x%llx of %s %u overruns it (namesz 0x%x, "
                                "descsz 0x%x, 0x%llx bytes left)",
                                static_cast<unsigned long long>(pos_), kind_, index_, nh.n_namesz,
                                nh.n_descsz, static_cast<unsigned long long>(left));
    out.name = base_ + pos_ + sizeof(elf::Nhdr);
    out.namesz = nh.n_namesz;
    out.type = nh.n_type;
    out.desc = base_ + pos_ + desc_off;
    out.descsz = nh.n_descsz;
    out.offset = pos_;
    u64 step = round_up(desc_end, align_);
    pos_ = step >= left ? len_ : pos_ + step;
    have = true;
    return {};
}
