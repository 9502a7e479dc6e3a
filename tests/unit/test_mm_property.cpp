// Randomized property test of the memory-typing core (issue 4): several
// simulated guests drive long random sequences of scribbles (stores
// through their writable mappings), pins, unpins, base pointers, descriptor
// pages, L1..L4 updates, mmu_update-style batches (with foreign mappings
// for the privileged domain) and teardowns. After every single call the
// frame table is checked against a recount from the tables themselves:
//  * no present RW L1 entry names a page table or descriptor page, and no
//    linear entry is writable;
//  * no entry names another domain's frame, except domain 0's foreign L1
//    mappings and hypervisor pages shared with the table's owner;
//  * every ref_count, type_count and linear_count equals the references
//    actually present (entries of validated tables, pins, base pointers,
//    descriptor-page uses);
//  * after a teardown the domain owns nothing that is still referenced
//    only by itself, and at the end every frame is free and unreferenced.
//
// Reproducible: GLASS_MM_SEED=<n> runs one seed, GLASS_MM_STEPS=<n> sets
// the steps per seed (CI default: 4 seeds x 2500 steps).
#include "hv/core/mm/entry_rules.hpp"
#include "hv/core/mm/page_types.hpp"
#include "hv/core/mm/pte.hpp"

#include "hv/abi/layout.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <vector>

namespace {

using namespace mm;

constexpr u16 kDoms = 3; // ids 0 (privileged), 1, 2
constexpr u64 kPerDom = 32;
constexpr u64 kHvFirst = kDoms * kPerDom;   // 16 hypervisor frames
constexpr u64 kSharedFrame = kHvFirst + 15; // shared with domain 1
constexpr u64 kMmioFirst = kHvFirst + 16;   // 16 frames of MMIO hole
constexpr u64 kFrames = kMmioFirst + 16;

struct Guest {
    DomainMm mm;
    std::vector<u64> base_ptrs; // L4s held as base pointers
    std::vector<u64> seg_desc;  // frames held as descriptor pages
};

struct Sim {
    std::vector<FrameInfo> info;
    std::vector<u64> ram;
    FrameTable frames;
    PageTypes pt;
    u64 hv_l4[kHypervisorL4Slots];
    Guest g[kDoms];
    std::mt19937_64 rng;
    u64 released = 0; // frames handed back through the release hook
    // Successes, so a generator that only produces refusals is noticed.
    u64 pins_ok = 0, updates_ok = 0, foreign_ok = 0;

    explicit Sim(u64 seed)
        : info(kFrames), ram(kFrames * kEntriesPerTable), frames(info.data(), kFrames),
          pt(frames, PhysMem(ram.data(), kFrames)), rng(seed) {
        for (u16 d = 0; d < kDoms; d++)
            REQUIRE(frames.assign(d * kPerDom, kPerDom, d));
        REQUIRE(frames.assign(kHvFirst, 16, kOwnerHypervisor));
        REQUIRE(frames.share_with(kSharedFrame, 1));
        frames.mark_io(kMmioFirst, 16);
        for (unsigned i = 0; i < kHypervisorL4Slots; i++)
            hv_l4[i] = make_pte(kHvFirst + i, PTE_P | PTE_A);
        for (u16 d = 0; d < kDoms; d++) {
            g[d].mm.id = d;
            g[d].mm.hypervisor_l4 = hv_l4;
            g[d].mm.io_mem_allowed = d == 0;
            g[d].mm.cache_flush_permitted = d == 0;
        }
        pt.set_release_hook([](void* ctx, u64, u16) { static_cast<Sim*>(ctx)->released++; }, this);
    }

    u64 rand(u64 n) { return std::uniform_int_distribution<u64>(0, n - 1)(rng); }
    bool chance(unsigned percent) { return rand(100) < percent; }
    u64* page(u64 mfn) { return ram.data() + mfn * kEntriesPerTable; }

    // A frame the guest may use: its own and not given back.
    bool usable(u64 mfn, u16 d) const {
        return mfn < kHvFirst && info[mfn].owner == d && !(info[mfn].flags & kFrameRemoved);
    }
    u64 own_frame(u16 d) { return d * kPerDom + rand(kPerDom); }

    // Mostly the domain's own frames, sometimes anything at all.
    u64 random_target(u16 d) {
        switch (rand(10)) {
        case 0:
            return rand(kHvFirst); // any domain's RAM
        case 1:
            return kHvFirst + rand(16); // hypervisor, shared
        case 2:
            return kMmioFirst + rand(32); // MMIO, beyond RAM
        default:
            return own_frame(d);
        }
    }
    u64 random_flags() {
        static constexpr u64 kBits[] = {PTE_RW, PTE_US,  PTE_A,  PTE_D,   PTE_PS,
                                        PTE_G,  PTE_PCD, PTE_NX, PTE_AVL, PTE_GUEST_KERNEL};
        u64 f = chance(90) ? PTE_P : 0;
        for (u64 b : kBits)
            if (chance(b == PTE_RW || b == PTE_A ? 50 : 6)) f |= b;
        return f;
    }
    u64 random_entry(u16 d) {
        if (chance(15)) return 0;
        return make_pte(random_target(d), random_flags());
    }
    unsigned random_index() {
        // Low slots mostly (so tables link up), sometimes the hypervisor's.
        if (chance(5)) return static_cast<unsigned>(255 + rand(20));
        return static_cast<unsigned>(rand(8));
    }
};

// ---- The recount: what the counts must be, from the tables themselves. ----

struct Expect {
    std::vector<i64> ref, type, linear;
};

bool guest_slot(unsigned level, unsigned i) {
    return level != 4 || xen::is_guest_l4_slot(i);
}

bool live_table(const FrameInfo& f) {
    return f.type_count != 0 && (f.flags & kFrameValidated) && is_page_table_type(f.type);
}

void check_invariants(Sim& s) {
    Expect x{std::vector<i64>(kFrames), std::vector<i64>(kFrames), std::vector<i64>(kFrames)};
    for (u64 m = 0; m < kHvFirst; m++) {
        const FrameInfo& f = s.info[m];
        if (f.flags & kFramePinned) x.ref[m]++, x.type[m]++;
    }
    for (const Guest& g : s.g) {
        for (u64 m : g.base_ptrs)
            x.ref[m]++, x.type[m]++;
        for (u64 m : g.seg_desc)
            x.ref[m]++, x.type[m]++;
    }
    for (u64 t = 0; t < kHvFirst; t++) {
        const FrameInfo& tf = s.info[t];
        if (!live_table(tf)) continue;
        unsigned level = level_of(tf.type);
        const u64* e = s.page(t);
        for (unsigned i = 0; i < kEntriesPerTable; i++) {
            if (!guest_slot(level, i) || !pte_present(e[i])) continue;
            INFO("table " << t << " (L" << level << ", owner " << tf.owner << ") slot " << i
                          << " = " << std::hex << e[i]);
            u64 m = pte_mfn(e[i]);
            bool ram = s.frames.is_ram(m);
            if (level == 1) {
                if (!ram) {
                    REQUIRE(s.g[tf.owner].mm.io_mem_allowed); // MMIO: dom0 only
                    continue;
                }
                const FrameInfo& mf = s.info[m];
                bool shared = s.frames.shared_with(m, tf.owner);
                // Domain 0 may hold foreign mappings; nobody else maps
                // frames that are not its own.
                REQUIRE((mf.owner == tf.owner || shared || tf.owner == 0));
                REQUIRE(mf.owner != kOwnerFree);
                x.ref[m]++;
                if (e[i] & PTE_RW) {
                    // The central invariant: writable means Writable type.
                    REQUIRE(s.frames.active_type(m) == FrameType::Writable);
                    x.type[m]++;
                }
                continue;
            }
            REQUIRE(ram);
            REQUIRE(s.info[m].owner == tf.owner);
            if (m == t) {
                REQUIRE_FALSE(e[i] & PTE_RW); // self-linear: read-only, holds nothing
                continue;
            }
            x.ref[m]++;
            x.type[m]++;
            if (s.info[m].type == tf.type) { // linear entry
                REQUIRE_FALSE(e[i] & PTE_RW);
                x.linear[t]++;
                x.linear[m]--;
            } else {
                REQUIRE(s.info[m].type == table_type(level - 1));
            }
        }
    }
    for (u64 m = 0; m < kHvFirst; m++) {
        const FrameInfo& f = s.info[m];
        INFO("mfn " << m << " owner " << f.owner << " type " << unsigned(f.type) << " flags "
                    << unsigned(f.flags));
        REQUIRE(i64(f.ref_count) == x.ref[m]);
        REQUIRE(i64(f.type_count) == x.type[m]);
        REQUIRE(i64(f.linear_count) == x.linear[m]);
        REQUIRE(f.ref_count >= f.type_count);
        if (f.type_count != 0) REQUIRE((f.flags & kFrameValidated));
        // A removed frame lives only as long as something references it.
        if (f.flags & kFrameRemoved) REQUIRE(f.ref_count != 0);
        if (f.owner == kOwnerFree) REQUIRE(f.ref_count == 0);
    }
}

// ---- The operations a guest can attempt. Results are not predicted; the
// invariants are what must hold whatever the core decided. ----

void scribble(Sim& s, u16 d) {
    u64 m = s.own_frame(d);
    FrameType t = s.frames.active_type(m);
    // Only what the guest can reach through a writable mapping.
    if (!s.usable(m, d) || (t != FrameType::None && t != FrameType::Writable)) return;
    if (s.chance(50)) std::fill_n(s.page(m), kEntriesPerTable, 0);
    for (u64 n = s.rand(6); n; n--)
        s.page(m)[s.random_index()] = s.random_entry(d);
}

void update_entry(Sim& s, u16 d) {
    Guest& g = s.g[d];
    u64 table = s.chance(95) ? s.own_frame(d) : s.rand(kFrames);
    unsigned index = s.random_index();
    u64 val = s.random_entry(d);
    bool ad = s.chance(20);
    u64 before = table < kFrames ? s.page(table)[index] : 0;
    Status r;
    switch (s.rand(5)) {
    case 0:
        r = s.pt.mod_l1_entry(table, index, val, g.mm, ad);
        break;
    case 1:
        r = s.pt.mod_l2_entry(table, index, val, g.mm, ad);
        break;
    case 2:
        r = s.pt.mod_l3_entry(table, index, val, g.mm, ad);
        break;
    case 3:
        r = s.pt.mod_l4_entry(table, index, val, g.mm, ad);
        break;
    default: {
        // mmu_update: domain 0 names a foreign frame owner now and then.
        u16 fd = d == 0 && s.chance(40) ? static_cast<u16>(s.rand(kDoms)) : d;
        r = s.pt.update_pt_entry((table << kPageShift) + index * 8, val, g.mm, ad, fd);
    }
    }
    // A refused update changes nothing.
    if (!r.ok() && table < kFrames) REQUIRE(s.page(table)[index] == before);
    if (r.ok()) s.updates_ok++;
    if (r.ok() && pte_present(val) && pte_mfn(val) < kHvFirst && s.info[pte_mfn(val)].owner != d)
        s.foreign_ok++;
}

void pin_or_unpin(Sim& s, u16 d) {
    u64 m = s.own_frame(d);
    if (s.chance(50)) {
        if (s.pt.pin(m, table_type(1 + static_cast<unsigned>(s.rand(4))), s.g[d].mm).ok())
            s.pins_ok++;
    } else
        (void)s.pt.unpin(m, s.g[d].mm);
}

void base_pointer(Sim& s, u16 d) {
    Guest& g = s.g[d];
    if (!g.base_ptrs.empty() && s.chance(50)) {
        s.pt.put_base_pointer(g.base_ptrs.back());
        g.base_ptrs.pop_back();
        return;
    }
    u64 m = s.own_frame(d);
    if (s.pt.get_base_pointer(m, g.mm).ok()) g.base_ptrs.push_back(m);
}

void seg_desc(Sim& s, u16 d) {
    Guest& g = s.g[d];
    if (!g.seg_desc.empty() && s.chance(50)) {
        s.pt.put_seg_desc_frame(g.seg_desc.back());
        g.seg_desc.pop_back();
        return;
    }
    u64 m = s.own_frame(d);
    if (s.pt.get_seg_desc_frame(m, g.mm).ok()) g.seg_desc.push_back(m);
}

// What domain teardown does (hv/domain/domain_destroy.cpp): drop the
// vCPU state, unpin everything, give every frame back; then start the
// domain afresh on whatever frames came back.
void teardown(Sim& s, u16 d) {
    Guest& g = s.g[d];
    for (u64 m : g.base_ptrs)
        s.pt.put_base_pointer(m);
    for (u64 m : g.seg_desc)
        s.pt.put_seg_desc_frame(m);
    g.base_ptrs.clear();
    g.seg_desc.clear();
    s.pt.unpin_all(g.mm);
    check_invariants(s);
    for (u64 m = d * kPerDom; m < (d + 1u) * kPerDom; m++)
        if (s.info[m].owner == d && !(s.info[m].flags & kFrameRemoved))
            (void)s.pt.remove_page(m, d);
    check_invariants(s);
    for (u64 m = d * kPerDom; m < (d + 1u) * kPerDom; m++) {
        const FrameInfo& f = s.info[m];
        if (f.owner != d) continue;
        // Still held: only by another domain's (foreign) mapping.
        INFO("mfn " << m);
        REQUIRE((f.flags & kFrameRemoved));
        REQUIRE(f.ref_count != 0);
        REQUIRE(d != 0);
    }
    for (u64 m = d * kPerDom; m < (d + 1u) * kPerDom; m++)
        if (s.info[m].owner == kOwnerFree) {
            std::fill_n(s.page(m), kEntriesPerTable, 0);
            REQUIRE(s.frames.assign(m, 1, d));
        }
}

void step(Sim& s) {
    u16 d = static_cast<u16>(s.rand(kDoms));
    unsigned op = static_cast<unsigned>(s.rand(100));
    if (op < 25) {
        scribble(s, d);
    } else if (op < 45) {
        pin_or_unpin(s, d);
    } else if (op < 75) {
        update_entry(s, d);
    } else if (op < 85) {
        // A batch: stops at the first failure, like mmu_update.
        for (u64 n = 1 + s.rand(16); n; n--) {
            update_entry(s, d);
            check_invariants(s);
        }
    } else if (op < 92) {
        base_pointer(s, d);
    } else if (op < 98) {
        seg_desc(s, d);
    } else {
        teardown(s, d);
    }
    check_invariants(s);
}

u64 env_or(const char* name, u64 fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 0) : fallback;
}

void run_seed(u64 seed, u64 steps) {
    INFO("seed " << seed << " (rerun: GLASS_MM_SEED=" << seed << ")");
    Sim s(seed);
    for (u64 i = 0; i < steps; i++) {
        INFO("step " << i);
        step(s);
    }
    INFO("pins " << s.pins_ok << " updates " << s.updates_ok << " foreign " << s.foreign_ok);
    REQUIRE(s.pins_ok > steps / 100);
    REQUIRE(s.updates_ok > steps / 20);
    REQUIRE(s.foreign_ok > 0);
    // Final teardown of everyone, domain 0 (the foreign mapper) last.
    for (u16 d = kDoms; d-- > 0;)
        teardown(s, d);
    for (u16 d = 0; d < kDoms; d++)
        REQUIRE(s.frames.release(d * kPerDom, kPerDom)); // all unreferenced
    for (u64 m = 0; m < kFrames; m++) {
        INFO("mfn " << m);
        REQUIRE(s.info[m].ref_count == 0);
        REQUIRE(s.info[m].type_count == 0);
        REQUIRE(s.info[m].linear_count == 0);
    }
}

} // namespace

TEST_CASE("mm property: random guests never break the typing invariants", "[mm][property]") {
    u64 steps = env_or("GLASS_MM_STEPS", 2500);
    if (std::getenv("GLASS_MM_SEED")) {
        run_seed(env_or("GLASS_MM_SEED", 0), steps);
        return;
    }
    for (u64 seed : {1ull, 2ull, 3ull, 0x5eedull})
        run_seed(seed, steps);
}
