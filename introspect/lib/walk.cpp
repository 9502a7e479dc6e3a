#include "introspect/lib/walk.hpp"

#include <cstdio>

namespace glass {
namespace {

constexpr u64 kP = 1ull << 0, kRW = 1ull << 1, kUS = 1ull << 2, kA = 1ull << 5, kD = 1ull << 6,
              kPS = 1ull << 7, kG = 1ull << 8, kNX = 1ull << 63;
constexpr u64 kAddrMask = 0x000FFFFFFFFFF000ull;

bool canonical(u64 va) {
    u64 top = va >> 47;
    return top == 0 || top == 0x1FFFF;
}

const u64* table(const MachineMemory& m, u64 mfn) {
    return reinterpret_cast<const u64*>(m.at(mfn << kPageShift, kPageSize));
}

u64 load_entry(const u64* table, unsigned index) {
    return __atomic_load_n(&table[index], __ATOMIC_RELAXED);
}

} // namespace

std::string pte_flags(u64 e, unsigned level) {
    std::string s;
    s += (e & kP) ? 'P' : '-';
    s += (e & kRW) ? 'W' : '-';
    s += (e & kUS) ? 'U' : '-';
    s += (e & kA) ? 'A' : '-';
    s += (e & kD) ? 'D' : '-';
    s += (level > 1 && (e & kPS)) ? 'S' : '-';
    s += (e & kG) ? 'G' : '-';
    s += (e & kNX) ? 'N' : '-';
    return s;
}

Outcome<WalkResult> walk(const Target& t, u64 l4_mfn, u64 va) {
    return walk(t.memory(), l4_mfn, va);
}

Outcome<WalkResult> walk(const MachineMemory& t, u64 l4_mfn, u64 va) {
    char buf[96];
    if (!canonical(va)) {
        std::snprintf(buf, sizeof buf, "%#llx is not a canonical address",
                      static_cast<unsigned long long>(va));
        return Outcome<WalkResult>::failure(buf);
    }
    WalkResult r;
    r.va = va;
    r.l4_mfn = l4_mfn;
    u64 mfn = l4_mfn;
    bool w = true, u = true, x = true;
    for (unsigned level = 4; level >= 1; level--) {
        const u64* tbl = table(t, mfn);
        if (!tbl) {
            std::snprintf(buf, sizeof buf, "L%u table frame %#llx is outside RAM", level,
                          static_cast<unsigned long long>(mfn));
            return Outcome<WalkResult>::failure(buf);
        }
        unsigned shift = 12 + 9 * (level - 1);
        unsigned index = (va >> shift) & 511;
        u64 e = load_entry(tbl, index);
        r.steps.push_back({level, mfn, index, e});
        if (!(e & kP)) {
            std::snprintf(buf, sizeof buf, "L%u entry %u not present", level, index);
            r.why_unmapped = buf;
            return r;
        }
        w = w && (e & kRW);
        u = u && (e & kUS);
        x = x && !(e & kNX);
        bool leaf = level == 1 || ((level == 2 || level == 3) && (e & kPS));
        if (leaf) {
            u64 size = 1ull << shift;
            u64 base = e & kAddrMask & ~(size - 1);
            r.mapped = true;
            r.page_size = size;
            r.maddr = base + (va & (size - 1));
            r.mfn = r.maddr >> kPageShift;
            r.writable = w;
            r.user = u;
            r.executable = x;
            return r;
        }
        mfn = (e & kAddrMask) >> kPageShift;
    }
    return r; // not reached: level 1 is always a leaf
}

std::vector<PteRef> reverse_lookup(const Target& t, const FrameSnapshot& frames, u64 target) {
    return reverse_lookup(t.memory(), frames, target);
}

std::vector<PteRef> reverse_lookup(const MachineMemory& t, const FrameSnapshot& frames,
                                   u64 target) {
    std::vector<PteRef> out;
    for (u64 m = 0; m < frames.frames.size(); m++) {
        const mm::FrameInfo& f = frames.frames[m];
        FrameClass c = classify(f);
        if (c < FrameClass::L1 || c > FrameClass::L4) continue;
        unsigned level = static_cast<unsigned>(c) - static_cast<unsigned>(FrameClass::L1) + 1;
        const u64* tbl = table(t, m);
        if (!tbl) continue;
        for (unsigned i = 0; i < 512; i++) {
            u64 e = load_entry(tbl, i);
            if (!(e & kP)) continue;
            u64 first = (e & kAddrMask) >> kPageShift;
            u64 span = 1;
            if ((level == 2 || level == 3) && (e & kPS)) {
                span = 1ull << (9 * (level - 1));
                first &= ~(span - 1);
            }
            if (target >= first && target < first + span) out.push_back({m, level, i, e, f.owner});
        }
    }
    return out;
}

} // namespace glass
