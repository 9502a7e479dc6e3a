#include "guest/wpt.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/console.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"

namespace guest {
namespace {

constexpr u64 kAddrMask = 0x000FFFFFFFFFF000ull;
constexpr u64 kMarker = 0x5741424C45505453ull; // "STPELBAW"

alignas(4096) volatile u64 wpt_window[512];
alignas(4096) u64 wpt_source[512];

u64 read_cr3() {
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v)); // emulated by the hypervisor
    return v;
}

// Our initial mapping is linear in PFNs: the L4 (at pt_base) anchors it.
// MFNs are turned into PFNs by searching our own p2m, so the test depends
// on nothing but the page tables it exercises.
struct Linear {
    const u64* p2m;
    u64 nr_pages;
    u64 base_va, base_pfn;
    u64 pfn_of_mfn(u64 mfn) const {
        for (u64 pfn = 0; pfn < nr_pages; pfn++)
            if (p2m[pfn] == mfn) return pfn;
        return ~0ull;
    }
    u64 va_of_mfn(u64 mfn) const { return base_va + (pfn_of_mfn(mfn) - base_pfn) * 4096; }
    // Signed: the image lies below the page tables.
    u64 pfn_of_va(u64 va) const {
        return base_pfn + static_cast<u64>(static_cast<i64>(va - base_va) >> 12);
    }
};

// The L1 entry mapping va, found through our own (read-only) tables.
u64* find_pte(const Linear& lin, u64 l4_mfn, u64 va) {
    u64 mfn = l4_mfn;
    for (unsigned level = 4; level > 1; level--) {
        if (lin.pfn_of_mfn(mfn) == ~0ull) return nullptr;
        auto* table = reinterpret_cast<const u64*>(lin.va_of_mfn(mfn));
        u64 e = table[(va >> (12 + 9 * (level - 1))) & 511];
        if (!(e & 1)) return nullptr;
        mfn = (e & kAddrMask) >> 12;
    }
    if (lin.pfn_of_mfn(mfn) == ~0ull) return nullptr;
    return reinterpret_cast<u64*>(lin.va_of_mfn(mfn)) + ((va >> 12) & 511);
}

void flush_window() {
    xen::MmuextOp op{};
    op.cmd = xen::MMUEXT_INVLPG_LOCAL;
    op.arg1 = reinterpret_cast<u64>(wpt_window);
    (void)hypercall4<xen::HC_mmuext_op>(reinterpret_cast<u64>(&op), 1, 0, xen::DOMID_SELF);
}

} // namespace

bool run_wpt_test(const xen::StartInfo& si) {
    long rc =
        hypercall2<xen::HC_vm_assist>(xen::VMASST_CMD_enable, xen::VMASST_TYPE_writable_pagetables);
    if (rc < 0) {
        printk("Glasshouse guest: wpt: vm_assist failed: %ld\n", rc);
        return false;
    }
    u64 l4_mfn = read_cr3() >> 12;
    const auto* p2m = reinterpret_cast<const u64*>(si.mfn_list);
    Linear lin{p2m, si.nr_pages, si.pt_base, 0};
    lin.base_pfn = lin.pfn_of_mfn(l4_mfn);
    u64 win_va = reinterpret_cast<u64>(wpt_window);
    u64* pte = find_pte(lin, l4_mfn, win_va);
    if (!pte) {
        printk("Glasshouse guest: wpt: no L1 entry for %p\n", wpt_window);
        return false;
    }
    wpt_source[0] = kMarker;
    u64 src_mfn = p2m[lin.pfn_of_va(reinterpret_cast<u64>(wpt_source))];
    u64 old = *pte;
    u64 repl = (src_mfn << 12) | (old & ~kAddrMask);

    // A plain MOV into the read-only L1: faults, and the hypervisor applies it.
    asm volatile("movq %1, %0" : "=m"(*pte) : "r"(repl) : "memory");
    flush_window();
    u64 seen = wpt_window[0];
    printk("Glasshouse guest: wpt: mov to PTE %p applied, window reads 0x%lx (%s)\n", pte, seen,
           seen == kMarker ? "ok" : "WRONG");
    if (seen != kMarker) return false;

    // XCHG restores the old entry and hands back the one we wrote.
    u64 back = old;
    asm volatile("xchgq %0, %1" : "+r"(back), "+m"(*pte) : : "memory");
    flush_window();
    bool ok = (back & kAddrMask) == (src_mfn << 12) && wpt_window[0] != kMarker;
    printk("Glasshouse guest: wpt: xchg restored PTE (old frame 0x%lx) (%s)\n",
           (back & kAddrMask) >> 12, ok ? "ok" : "WRONG");
    return ok;
}

} // namespace guest
