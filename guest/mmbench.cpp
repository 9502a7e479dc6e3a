#include "guest/mmbench.hpp"

#include "guest/console.hpp"
#include "guest/mm_space.hpp"

namespace guest {
namespace {

using namespace mmu;

constexpr unsigned kRounds = 64;
constexpr u64 kRO = kP | kA | kD;
constexpr u64 kRWF = kP | kRW | kA | kD;

xen::MmuUpdate g_batch[512];

void report(const char* what, u64 cycles, u64 ops) {
    printk("Glasshouse mmbench: %s: %lu cycles/op (%lu ops)\n", what, cycles / ops, ops);
}

// Alternating RO and RW: every call takes the full validation path.
void bench_update_va(const Space& sp) {
    void* va = sp.pool(0);
    u64 mfn = sp.pool_mfn(0);
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < kRounds * 8; i++)
        (void)update_va(va, pte(mfn, i & 1 ? kRWF : kRO), xen::UVMF_INVLPG);
    report("update_va_mapping (UVMF_INVLPG)", rdtsc() - t0, kRounds * 8);
    (void)update_va(va, pte(mfn, kRWF));
}

// Entries of a pinned L1 mapping a data page read-only, then unmapped.
void bench_batches(const Space& sp, u64 l1) {
    u64 data = sp.pool_mfn(1);
    static constexpr unsigned kSizes[] = {1, 8, 64, 512};
    for (unsigned n : kSizes) {
        unsigned calls = n == 512 ? 16 : 4096 / n;
        u64 cycles = 0;
        for (unsigned c = 0; c < calls; c++) {
            for (unsigned i = 0; i < n; i++)
                g_batch[i] = {(l1 << 12) + i * 8u, (c & 1) ? 0 : pte(data, kRO)};
            u64 t0 = rdtsc();
            long rc = mmu_update(g_batch, n);
            cycles += rdtsc() - t0;
            if (rc) printk("Glasshouse mmbench: mmu_update failed: %ld\n", rc);
        }
        for (unsigned i = 0; i < n; i++)
            g_batch[i].val = 0;
        (void)mmu_update(g_batch, n);
        printk("Glasshouse mmbench: mmu_update batch of %u: %lu cycles/entry (%lu per call)\n", n,
               cycles / (u64(calls) * n), cycles / calls);
    }
}

void bench_pin(u64 l1) {
    u64 pin = 0, unpin = 0;
    for (unsigned i = 0; i < kRounds * 4; i++) {
        u64 t0 = rdtsc();
        (void)mmuext(xen::MMUEXT_PIN_L1_TABLE, l1);
        u64 t1 = rdtsc();
        (void)mmuext(xen::MMUEXT_UNPIN_TABLE, l1);
        u64 t2 = rdtsc();
        pin += t1 - t0;
        unpin += t2 - t1;
    }
    report("pin L1 (empty)", pin, kRounds * 4);
    report("unpin L1 (empty)", unpin, kRounds * 4);
}

} // namespace

void run_mmbench(const xen::StartInfo& si) {
    Space sp(si);
    void* l1_va = sp.pool(2);
    u64 l1 = sp.pool_mfn(2);
    if (update_va(l1_va, pte(l1, kRO)) != 0) {
        printk("Glasshouse mmbench: cannot remap the L1 read-only\n");
        return;
    }
    bench_update_va(sp);
    bench_pin(l1);
    if (mmuext(xen::MMUEXT_PIN_L1_TABLE, l1) != 0) {
        printk("Glasshouse mmbench: cannot pin the L1\n");
        return;
    }
    bench_batches(sp, l1);
    (void)mmuext(xen::MMUEXT_UNPIN_TABLE, l1);
    (void)update_va(l1_va, pte(l1, kRWF));
    printk("Glasshouse mmbench: done\n");
}

} // namespace guest
