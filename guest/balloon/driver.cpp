#include "guest/balloon/driver.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/balloon/protocol.hpp"
#include "guest/blk/pv.hpp"
#include "guest/console.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/mm/reservation.hpp"

namespace guest::balloon {
namespace {

constexpr u64 kInvalidMfn = ~0ull;
constexpr u64 kBatch = 256;           // frames per memory_op call
constexpr u64 kMappingAlign = 1024;   // pages: the initial mapping ends on 4 MiB
constexpr u64 kStackSlackPages = 128; // and leaves >= 512 KiB after the stack

alignas(4096) u8 g_store_window[kPageSize];
u64 g_batch[kBatch];

struct Pool {
    u64* p2m;
    u64 first, end; // PFNs we may give back: [first, end)
    u64 ballooned;  // PFNs end-ballooned .. end-1 are given back
};

long memory_op(unsigned cmd, void* arg) {
    return hypercall2<xen::HC_memory_op>(cmd, reinterpret_cast<u64>(arg));
}

long current_reservation() {
    u16 self = xen::DOMID_SELF;
    return memory_op(mm::XENMEM_current_reservation, &self);
}

// Gives back up to n frames; returns how many went.
u64 inflate(Pool& p, u64 n) {
    u64 done = 0;
    while (done < n && p.ballooned < p.end - p.first) {
        u64 k = n - done < kBatch ? n - done : kBatch;
        if (k > p.end - p.first - p.ballooned) k = p.end - p.first - p.ballooned;
        u64 top = p.end - p.ballooned; // PFNs top-k .. top-1
        for (u64 i = 0; i < k; i++)
            g_batch[i] = p.p2m[top - 1 - i];
        mm::MemoryReservation r{reinterpret_cast<u64>(g_batch), k, 0, 0, xen::DOMID_SELF, {}};
        long got = memory_op(mm::XENMEM_decrease_reservation, &r);
        if (got <= 0) break;
        for (long i = 0; i < got; i++)
            p.p2m[top - 1 - static_cast<u64>(i)] = kInvalidMfn;
        p.ballooned += static_cast<u64>(got);
        done += static_cast<u64>(got);
        if (static_cast<u64>(got) < k) break;
    }
    return done;
}

// Reclaims up to n frames into ballooned PFNs; returns how many came.
u64 deflate(Pool& p, u64 n) {
    u64 done = 0;
    while (done < n && p.ballooned) {
        u64 k = n - done < kBatch ? n - done : kBatch;
        if (k > p.ballooned) k = p.ballooned;
        mm::MemoryReservation r{reinterpret_cast<u64>(g_batch), k, 0, 0, xen::DOMID_SELF, {}};
        long got = memory_op(mm::XENMEM_increase_reservation, &r);
        if (got <= 0) break;
        for (long i = 0; i < got; i++) {
            u64 pfn = p.end - p.ballooned;
            u64 mfn = g_batch[i];
            // The new frame's M2P entry names its PFN, as a PV kernel must.
            xen::MmuUpdate u{(mfn << kPageShift) | xen::MMU_MACHPHYS_UPDATE, pfn};
            (void)hypercall4<xen::HC_mmu_update>(reinterpret_cast<u64>(&u), 1, 0, xen::DOMID_SELF);
            p.p2m[pfn] = mfn;
            p.ballooned--;
        }
        done += static_cast<u64>(got);
        if (static_cast<u64>(got) < k) break;
    }
    return done;
}

bool fail(const char* what, long rc) {
    printk("Glasshouse balloon: FAILED: %s (%ld)\n", what, rc);
    return false;
}

} // namespace

bool run_balloon_driver(const xen::StartInfo& si) {
    if (si.flags & xen::SIF_INITDOMAIN) return fail("balloon is for domUs", 0);
    blk::pv_init(si);
    // PFN of the initial L4, then the end of the initial mapping by the
    // builder's rule (docs/pv-abi.md §1.2): 4 MiB-aligned, with at least
    // 512 KiB after the page tables and boot stack.
    u64 pt_pfn = 0;
    auto* p2m = reinterpret_cast<u64*>(si.mfn_list);
    u64 l4_mfn = blk::mfn_of(reinterpret_cast<const void*>(si.pt_base));
    for (u64 pfn = 0; pfn < si.nr_pages; pfn++)
        if (p2m[pfn] == l4_mfn) pt_pfn = pfn;
    u64 mapped = (pt_pfn + si.nr_pt_frames + 1 + kStackSlackPages + kMappingAlign - 1) /
                 kMappingAlign * kMappingAlign;
    Pool pool{p2m, mapped, si.nr_pages - 2, 0}; // the last two: console and store rings
    if (pool.first >= pool.end) return fail("no pages outside the initial mapping", 0);

    if (long rc = blk::map_frame_at(g_store_window, si.store_mfn)) return fail("store page", rc);
    auto* mb = reinterpret_cast<volatile Mailbox*>(g_store_window + kMailboxOffset);
    long port = blk::alloc_unbound_for(0);
    if (port < 0) return fail("alloc_unbound", port);
    mb->port = static_cast<u32>(port);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    mb->magic = kMagic;
    printk("Glasshouse balloon: ready on port %ld: %ld pages, PFNs %lu-%lu may go back\n", port,
           current_reservation(), pool.first, pool.end - 1);

    u32 p = static_cast<u32>(port);
    for (;;) {
        (void)blk::wait_any(&p, 1, 0);
        if (mb->command == kStop) break;
        u32 seq = mb->target_seq;
        u64 target = mb->target_pages;
        long have = current_reservation();
        if (have < 0) return fail("current_reservation", have);
        u64 moved = 0;
        const char* how = "kept";
        if (target < static_cast<u64>(have)) {
            moved = inflate(pool, static_cast<u64>(have) - target);
            how = "gave back";
        } else if (target > static_cast<u64>(have)) {
            moved = deflate(pool, target - static_cast<u64>(have));
            how = "reclaimed";
        }
        long now = current_reservation();
        printk("Glasshouse balloon: target %lu pages: %s %lu, now %ld pages (%lu ballooned)\n",
               target, how, moved, now, pool.ballooned);
        mb->actual_pages = static_cast<u64>(now);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        mb->done_seq = seq;
        blk::notify(p);
    }
    printk("Glasshouse balloon: stopped with %lu pages ballooned\n", pool.ballooned);
    return true;
}

} // namespace guest::balloon
