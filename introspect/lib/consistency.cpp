#include "introspect/lib/consistency.hpp"

#include "hv/abi/layout.hpp"
#include "hv/core/mm/pte.hpp"

#include <cstdio>

namespace glass {
namespace {

using mm::FrameInfo;
using mm::FrameType;

bool table_type(FrameType t) {
    return t == FrameType::L1 || t == FrameType::L2 || t == FrameType::L3 || t == FrameType::L4;
}

bool live_table(const FrameInfo& f) {
    return f.type_count != 0 && (f.flags & mm::kFrameValidated) && table_type(f.type);
}

unsigned level_of(FrameType t) {
    return static_cast<unsigned>(t);
}

class Checker {
  public:
    Checker(const SystemSnapshot& s, usize max) : s_(s), max_(max) {}

    ConsistencyReport run() {
        const auto& fr = s_.frames.frames;
        ref_.assign(fr.size(), 0);
        type_.assign(fr.size(), 0);
        counts();
        owners();
        recount_tables();
        compare();
        return r_;
    }

  private:
    template <class... A>
    void fail(const char* fmt, A... a) {
        r_.nr_violations++;
        if (r_.violations.size() >= max_) return;
        char buf[200];
        std::snprintf(buf, sizeof buf, fmt, a...);
        r_.violations.emplace_back(buf);
    }

    void counts() {
        FrameCounts c = count_frames(s_.frames);
        u64 sum = 0;
        for (u64 n : c.by_class)
            sum += n;
        if (sum != s_.frames.frames.size())
            fail("frame classes add up to %llu of %zu frames", (unsigned long long)sum,
                 s_.frames.frames.size());
        for (u64 m = 0; m < s_.frames.frames.size(); m++) {
            const FrameInfo& f = s_.frames.frames[m];
            if (f.owner == mm::kOwnerFree && (f.ref_count || f.type_count || f.flags))
                fail("free frame %llx holds refs %u, type refs %u, flags %#x",
                     (unsigned long long)m, f.ref_count, f.type_count, f.flags);
            if ((f.flags & mm::kFramePinned) && (!f.type_count || !table_type(f.type)))
                fail("pinned frame %llx is type %u with %u type refs", (unsigned long long)m,
                     unsigned(f.type), f.type_count);
            if (f.type_count > f.ref_count)
                fail("frame %llx has %u type refs but %u refs", (unsigned long long)m, f.type_count,
                     f.ref_count);
        }
    }

    void owners() {
        std::unordered_map<u16, u64> owned;
        for (const FrameInfo& f : s_.frames.frames)
            owned[f.owner]++;
        for (const auto& d : s_.domains.domains) {
            u64 n = owned.count(d.id) ? owned[d.id] : 0;
            if (n != d.nr_pages)
                fail("domain %u owns %llu frames, nr_pages says %llu", d.id, (unsigned long long)n,
                     (unsigned long long)d.nr_pages);
            owned.erase(d.id);
        }
        owned.erase(mm::kOwnerFree);
        owned.erase(mm::kOwnerHypervisor);
        owned.erase(mm::kOwnerIo);
        for (const auto& [owner, n] : owned)
            fail("%llu frames owned by domain %u, which does not exist", (unsigned long long)n,
                 owner);
    }

    // What the counts must be from the tables themselves (the property
    // test's recount, over the published state).
    void recount_tables() {
        const auto& fr = s_.frames.frames;
        for (u64 m = 0; m < fr.size(); m++)
            if (fr[m].flags & mm::kFramePinned) ref_[m]++, type_[m]++;
        for (const auto& [t, entries] : s_.tables) {
            if (t >= fr.size() || !live_table(fr[t])) continue;
            r_.tables++;
            unsigned level = level_of(fr[t].type);
            for (unsigned i = 0; i < 512; i++) {
                u64 e = entries[i];
                if ((level == 4 && !xen::is_guest_l4_slot(i)) || !mm::pte_present(e)) continue;
                r_.entries++;
                u64 m = mm::pte_mfn(e);
                if (m >= fr.size()) continue; // MMIO beyond RAM
                if (level == 1) {
                    ref_[m]++;
                    if ((e & mm::PTE_RW) && fr[m].owner != mm::kOwnerIo &&
                        (fr[m].type_count == 0 || fr[m].type != FrameType::Writable))
                        fail("L1 %llx entry %u maps frame %llx writable, but it is type %u "
                             "with %u type refs",
                             (unsigned long long)t, i, (unsigned long long)m, unsigned(fr[m].type),
                             fr[m].type_count);
                    continue;
                }
                if (m == t) continue; // self-linear: holds nothing
                ref_[m]++;
                type_[m]++;
                if (fr[m].type != FrameType(level - 1) && fr[m].type != fr[t].type)
                    fail("L%u %llx entry %u names frame %llx of type %u", level,
                         (unsigned long long)t, i, (unsigned long long)m, unsigned(fr[m].type));
            }
        }
    }

    void compare() {
        const auto& fr = s_.frames.frames;
        for (u64 m = 0; m < fr.size(); m++) {
            const FrameInfo& f = fr[m];
            if (f.ref_count < ref_[m])
                fail("frame %llx has %u refs, %llu entries and pins hold one",
                     (unsigned long long)m, f.ref_count, (unsigned long long)ref_[m]);
            if (!live_table(f)) continue;
            u64 want = type_[m];
            if (f.type == FrameType::L4) {
                // Base pointers hold type refs too, and the hypervisor may
                // hold more (a CR3 it still runs on): a lower bound.
                if (f.type_count < want)
                    fail("L4 %llx has %u type refs, tables and pins hold %llu",
                         (unsigned long long)m, f.type_count, (unsigned long long)want);
                continue;
            }
            if (f.type_count != want)
                fail("L%u %llx has %u type refs, but %llu entries and pins hold one",
                     level_of(f.type), (unsigned long long)m, f.type_count,
                     (unsigned long long)want);
        }
    }

    const SystemSnapshot& s_;
    usize max_;
    ConsistencyReport r_;
    std::vector<u64> ref_, type_;
};

} // namespace

Outcome<SystemSnapshot> read_system(const Target& t, unsigned tries) {
    SystemSnapshot s;
    std::string error;
    s.stamp = t.read_consistent(
        [&] {
            auto d = read_domains(t);
            error = d.ok() ? "" : d.error();
            if (d.ok()) s.domains = std::move(*d);
            read_frames(t, s.frames);
            s.tables.clear();
            const auto& fr = s.frames.frames;
            for (u64 m = 0; m < fr.size(); m++) {
                if (!live_table(fr[m])) continue;
                auto& page = s.tables[m];
                if (!t.memory().read(m << kPageShift, page.data(), sizeof page)) page.fill(0);
            }
        },
        tries);
    if (!error.empty() && s.stamp.consistent) return Outcome<SystemSnapshot>::failure(error);
    if (s.frames.frames.empty()) return Outcome<SystemSnapshot>::failure("frame table outside RAM");
    return s;
}

ConsistencyReport check_system(const SystemSnapshot& s, usize max_violations) {
    return Checker(s, max_violations).run();
}

} // namespace glass
