// Walks the ELF notes packed in one note segment or section. Each note is a
// 12-byte header and the name, then the descriptor and then the next note,
// each starting at the region's alignment (4, or 8 for regions aligned to 8
// as GNU property notes are).
// namesz/descsz come from the file, so every step is bounds-checked and a
// malformed note is refused with its offset rather than skipped.
#pragma once

#include "hv/core/elf/load_status.hpp"

struct ElfNote {
    const u8* name; // namesz bytes, normally NUL-terminated
    u32 namesz;
    u32 type;
    const u8* desc; // descsz bytes
    u32 descsz;
    u64 offset; // of the note header within the region, for messages

    // True when the name is exactly `want` plus its NUL terminator.
    bool name_is(const char* want) const;
};

class NoteReader {
  public:
    // `region_kind`/`region_index` only label refusal messages ("program
    // header", 3). The caller has checked [base, base + len) is in the file.
    NoteReader(const u8* base, u64 len, u64 align, const char* region_kind, unsigned region_index);

    // Fills `out` and sets `have` when another note follows; sets `have`
    // false at the end of the region.
    [[nodiscard]] LoadStatus next(ElfNote& out, bool& have);

  private:
    const u8* base_;
    u64 len_;
    u64 align_;
    u64 pos_ = 0;
    const char* kind_;
    unsigned index_;
};
