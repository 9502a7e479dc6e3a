#include "gui/model/page_table_tree.hpp"

#include "introspect/lib/walk.hpp"

#include <cstdlib>

namespace glass::gui {

namespace {
constexpr u64 kAddrMask = 0x000FFFFFFFFFF000ull;

u64 canonical(u64 va) {
    return (va & (1ull << 47)) ? va | 0xFFFF000000000000ull : va;
}

bool parse_hex(std::string s, u64& out) {
    while (!s.empty() && s.back() == ' ')
        s.pop_back();
    size_t a = s.find_first_not_of(' ');
    if (a == std::string::npos) return false;
    s = s.substr(a);
    if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) s = s.substr(2);
    std::string digits;
    for (char c : s)
        if (c != '_' && c != '\'') digits += c;
    if (digits.empty() || digits.size() > 16) return false;
    char* end = nullptr;
    out = std::strtoull(digits.c_str(), &end, 16);
    return *end == 0;
}
} // namespace

std::optional<VaRange> parse_va_range(const std::string& text, std::string* why) {
    VaRange r;
    size_t a = text.find_first_not_of(' ');
    if (a == std::string::npos) return r;
    size_t sep = text.find('-');
    size_t len = 1;
    if (sep == std::string::npos) {
        sep = text.find("..");
        len = 2;
    }
    auto fail = [&](const char* w) -> std::optional<VaRange> {
        if (why) *why = w;
        return std::nullopt;
    };
    if (sep == std::string::npos) {
        // One address: the page it is in.
        u64 v;
        if (!parse_hex(text, v)) return fail("not a hex address");
        r.lo = v & ~0xfffull;
        r.hi = r.lo + 0xfff;
        return r;
    }
    std::string lo = text.substr(0, sep), hi = text.substr(sep + len);
    if (lo.find_first_not_of(' ') != std::string::npos && !parse_hex(lo, r.lo))
        return fail("the start is not a hex address");
    if (hi.find_first_not_of(' ') != std::string::npos && !parse_hex(hi, r.hi))
        return fail("the end is not a hex address");
    if (r.lo > r.hi) return fail("the start is above the end");
    return r;
}

u64 entry_span(unsigned level) {
    return 1ull << (12 + 9 * (level - 1));
}

u64 entry_va(u64 base, unsigned level, unsigned index) {
    return canonical(base + static_cast<u64>(index) * entry_span(level));
}

bool PageTableTree::children(u64 mfn, unsigned level, u64 base, const VaRange& filter,
                             std::vector<TreeEntry>& out) const {
    std::array<u64, 512> t;
    if (!read_(mfn, t)) return false;
    for (unsigned i = 0; i < 512; i++) {
        u64 e = t[i];
        if (!(e & 1)) continue;
        TreeEntry n;
        n.level = level;
        n.index = i;
        n.entry = e;
        n.va = entry_va(base, level, i);
        n.va_last = n.va + entry_span(level) - 1;
        if (!filter.intersects(n.va, n.va_last)) continue;
        n.mfn = (e & kAddrMask) >> 12;
        n.leaf = level == 1 || ((level == 2 || level == 3) && (e & (1ull << 7)));
        n.flags = pte_flags(e, level);
        out.push_back(std::move(n));
    }
    return true;
}

size_t PageTableTree::count_under(u64 mfn, unsigned level, u64 base, const VaRange& f,
                                  size_t limit) const {
    std::vector<TreeEntry> kids;
    if (!children(mfn, level, base, f, kids)) return 0;
    size_t n = 0;
    for (const TreeEntry& k : kids) {
        if (n >= limit) break;
        n += k.leaf ? 1 : count_under(k.mfn, level - 1, k.va, f, limit - n);
    }
    return n;
}

size_t PageTableTree::count_leaves(u64 l4_mfn, const VaRange& filter, size_t limit) const {
    return count_under(l4_mfn, 4, 0, filter, limit);
}

} // namespace glass::gui
