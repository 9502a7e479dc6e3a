// The Page tables panel's model: a domain's address space as a tree from
// its L4 down to L1 entries, each node an entry with the virtual range it
// covers, filtered to an address range so a 256 TiB space stays readable.
// Tables are read through a callback (live machine memory or a replayed
// image), one 4 KiB table per open node.
#pragma once

#include "hv/lib/types.hpp"

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace glass::gui {

struct VaRange {
    u64 lo = 0, hi = ~0ull; // inclusive bounds
    bool intersects(u64 a, u64 b) const { return a <= hi && b >= lo; }
};

// "0xffffffff80000000-0xffffffff80ffffff", "ffff8000..", "" (everything);
// nullopt with a reason on bad text.
std::optional<VaRange> parse_va_range(const std::string& text, std::string* why = nullptr);

// Canonical virtual address of entry `index` of a level-`level` table
// whose first entry maps `base` (sign-extended from bit 47).
u64 entry_va(u64 base, unsigned level, unsigned index);
u64 entry_span(unsigned level); // bytes one entry covers

struct TreeEntry {
    unsigned level = 0;
    unsigned index = 0;
    u64 entry = 0;
    u64 va = 0, va_last = 0; // the range it maps (inclusive)
    u64 mfn = 0;             // the frame it points to
    bool leaf = false;       // maps a page (L1, or a 2 MiB / 1 GiB superpage)
    std::string flags;
};

using TableReader = std::function<bool(u64 mfn, std::array<u64, 512>& out)>;

class PageTableTree {
  public:
    explicit PageTableTree(TableReader read) : read_(std::move(read)) {}
    // Present entries of the table at `mfn` (level `level`, first entry
    // mapping `base`) that intersect `filter`; false when the table is not
    // readable.
    bool children(u64 mfn, unsigned level, u64 base, const VaRange& filter,
                  std::vector<TreeEntry>& out) const;
    // Leaf pages under the root that intersect `filter`, at most `limit`
    // (counting stops there): for a flat list and for tests.
    size_t count_leaves(u64 l4_mfn, const VaRange& filter, size_t limit = 1u << 20) const;

  private:
    size_t count_under(u64 mfn, unsigned level, u64 base, const VaRange& f, size_t limit) const;
    TableReader read_;
};

} // namespace glass::gui
