// What the Frame panel shows for one machine frame: its contents as hex
// rows, or, for a page table (L1-L4 by its current type), its 512 entries
// decoded (present, flags, the frame each maps), and every page-table
// entry that maps it (introspect's reverse lookup).
#pragma once

#include "introspect/lib/walk.hpp"

#include <array>
#include <string>
#include <vector>

namespace glass::gui {

struct PteRow {
    unsigned index = 0;
    u64 entry = 0;
    bool present = false;
    u64 mfn = 0;
    std::string flags;
    u64 va_span = 0; // bytes one entry of this level covers
};

// Level of the table `f` is (1-4), 0 when it is not an active page table.
unsigned table_level(const mm::FrameInfo& f);
// Decoded entries of a table page; `only_present` drops the empty ones.
std::vector<PteRow> decode_table(const std::array<u64, 512>& entries, unsigned level,
                                 bool only_present);
// "00000000  48 65 6c 6c 6f ...  |Hello...|" rows of 16 bytes.
std::vector<std::string> hex_rows(const u8* bytes, size_t len, u64 base);

} // namespace glass::gui
