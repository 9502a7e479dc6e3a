#include "gui/model/frame_view.hpp"

#include <cstdio>

namespace glass::gui {

unsigned table_level(const mm::FrameInfo& f) {
    if (f.owner == mm::kOwnerFree || f.owner == mm::kOwnerHypervisor || f.owner == mm::kOwnerIo ||
        f.type_count == 0)
        return 0;
    switch (f.type) {
    case mm::FrameType::L1:
        return 1;
    case mm::FrameType::L2:
        return 2;
    case mm::FrameType::L3:
        return 3;
    case mm::FrameType::L4:
        return 4;
    default:
        return 0;
    }
}

std::vector<PteRow> decode_table(const std::array<u64, 512>& entries, unsigned level,
                                 bool only_present) {
    std::vector<PteRow> out;
    constexpr u64 kAddrMask = 0x000ffffffffff000ull;
    for (unsigned i = 0; i < 512; i++) {
        u64 e = entries[i];
        bool present = e & 1;
        if (only_present && !present) continue;
        PteRow r;
        r.index = i;
        r.entry = e;
        r.present = present;
        r.mfn = (e & kAddrMask) >> 12;
        r.flags = pte_flags(e, level);
        r.va_span = 1ull << (12 + 9 * (level - 1));
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<std::string> hex_rows(const u8* bytes, size_t len, u64 base) {
    std::vector<std::string> out;
    for (size_t off = 0; off < len; off += 16) {
        char line[128];
        int n = std::snprintf(line, sizeof line, "%08llx ",
                              static_cast<unsigned long long>(base + off));
        std::string ascii;
        for (size_t i = 0; i < 16; i++) {
            if (off + i < len) {
                u8 b = bytes[off + i];
                n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "%s%02x",
                                   i == 8 ? "  " : " ", b);
                ascii += b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.';
            } else {
                n += std::snprintf(line + n, sizeof line - static_cast<size_t>(n), "%s  ",
                                   i == 8 ? "  " : " ");
            }
        }
        out.push_back(std::string(line) + "  |" + ascii + "|");
    }
    return out;
}

} // namespace glass::gui
