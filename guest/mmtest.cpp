#include "guest/mmtest.hpp"

#include "guest/console.hpp"
#include "guest/domid.hpp"
#include "guest/mm_space.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/core/mm/reservation.hpp"

namespace guest {
namespace {

using namespace mmu;

// Pool pages: the new tables, two data pages and a table for the batch test.
enum Page : unsigned { kL4, kL3, kL2, kL1, kData1, kData2 };
constexpr unsigned kTablePages[] = {kL1, kL2, kL3, kL4};
constexpr u64 kMarker1 = 0x4d4d544553543131ull, kMarker2 = 0x4d4d544553543232ull;
constexpr u64 kRO = kP | kA | kD; // read-only leaf or table entry
constexpr u64 kRWF = kP | kRW | kA | kD;

unsigned g_checks, g_failed;

const char* name_of(long rc) {
    return rc == 0 ? "0" : xen_errno_name(static_cast<XenErrno>(-rc));
}

void check(const char* what, long rc, long expect) {
    g_checks++;
    bool ok = rc == expect;
    if (!ok) g_failed++;
    printk("Glasshouse mmtest: %s: %s (%s)%s%s\n", what, ok ? "ok" : "FAILED", name_of(rc),
           ok ? "" : ", expected ", ok ? "" : name_of(expect));
}

void check_true(const char* what, bool ok) {
    check(what, ok ? 0 : -XEN_EINVAL, 0);
}

struct Tables {
    u64 l4, l3, l2, l1, d1, d2;
    unsigned slot; // our L4 slot for the test region
    u64 base;      // its first address
};

u64 read_va(u64 va) {
    return *reinterpret_cast<const volatile u64*>(va);
}

void test_tables(const Space& sp, const xen::StartInfo& si) {
    Tables t{sp.pool_mfn(kL4),
             sp.pool_mfn(kL3),
             sp.pool_mfn(kL2),
             sp.pool_mfn(kL1),
             sp.pool_mfn(kData1),
             sp.pool_mfn(kData2),
             0,
             0};
    // The new L4 keeps every kernel mapping the boot L4 has (same L3s) and
    // adds our test region in a free slot.
    const auto* boot_l4 = reinterpret_cast<const u64*>(si.pt_base);
    auto* l4 = static_cast<u64*>(sp.pool(kL4));
    for (unsigned i = 0; i < 512; i++)
        l4[i] = boot_l4[i]; // slots 256..271 are rewritten by the hypervisor
    for (unsigned i = 1; i < 256 && !t.slot; i++)
        if (!boot_l4[i]) t.slot = i;
    t.base = static_cast<u64>(t.slot) << 39;
    l4[t.slot] = pte(t.l3, kP | kRW | kA);
    static_cast<u64*>(sp.pool(kL3))[0] = pte(t.l2, kP | kRW | kA);
    static_cast<u64*>(sp.pool(kL2))[0] = pte(t.l1, kP | kRW | kA);
    *static_cast<volatile u64*>(sp.pool(kData1)) = kMarker1;
    *static_cast<volatile u64*>(sp.pool(kData2)) = kMarker2;

    // Page tables must not be writable anywhere: remap them read-only first.
    check("pin L4 while its pages are mapped writable -EINVAL",
          mmuext(xen::MMUEXT_PIN_L4_TABLE, t.l4), -XEN_EINVAL);
    for (unsigned p : kTablePages) {
        check("remap a new table page read-only", update_va(sp.pool(p), pte(sp.pool_mfn(p), kRO)),
              0);
    }
    check("pin the new L4 (validates L3, L2, L1)", mmuext(xen::MMUEXT_PIN_L4_TABLE, t.l4), 0);
    check("pin the L4 again -EINVAL", mmuext(xen::MMUEXT_PIN_L4_TABLE, t.l4), -XEN_EINVAL);
    check("pin the L1 as well", mmuext(xen::MMUEXT_PIN_L1_TABLE, t.l1), 0);
    check("pin a data page still mapped RW -EINVAL", mmuext(xen::MMUEXT_PIN_L1_TABLE, t.d1),
          -XEN_EINVAL);
    check("new base pointer that is not an L4 -EINVAL", mmuext(xen::MMUEXT_NEW_BASEPTR, t.d1),
          -XEN_EINVAL);

    // Map data page 1 at the region's first page, then switch to see it.
    check("mmu_update L1[0] -> data page", set_entry(t.l1, 0, pte(t.d1, kRWF)), 0);
    check("update_va_mapping outside any L1 -EINVAL",
          update_va(reinterpret_cast<void*>(t.base), pte(t.d2, kRWF)), -XEN_EINVAL);
    check("switch to the new L4 (NEW_BASEPTR)", mmuext(xen::MMUEXT_NEW_BASEPTR, t.l4), 0);
    check_true("new address space sees the mapping", read_va(t.base) == kMarker1);
    void* page2 = reinterpret_cast<void*>(t.base + 4096);
    check("update_va_mapping maps data page 2", update_va(page2, pte(t.d2, kRWF)), 0);
    check_true("data page 2 visible", read_va(t.base + 4096) == kMarker2);
    check("update_va_mapping of an L1 RW -EBUSY", update_va(page2, pte(t.l1, kRWF)), -XEN_EBUSY);
    check("update_va_mapping of an L1 read-only", update_va(page2, pte(t.l1, kRO)), 0);
    check("update_va_mapping_otherdomain(DOMID_SELF)",
          update_va_other(page2, 0, xen::UVMF_INVLPG, xen::DOMID_SELF), 0);
    check("switch back to the boot L4", mmuext(xen::MMUEXT_NEW_BASEPTR, sp.boot_l4_mfn()), 0);

    // Batches: 8 entries at once; then a batch failing at entry 3.
    xen::MmuUpdate batch[8];
    for (unsigned i = 0; i < 8; i++)
        batch[i] = {(t.l1 << 12) + (16 + i) * 8u, pte(i & 1 ? t.d2 : t.d1, kRO)};
    unsigned done = 0;
    check("mmu_update batch of 8", mmu_update(batch, 8, &done), 0);
    check_true("batch done count 8", done == 8);
    for (unsigned i = 0; i < 8; i++)
        batch[i].val = 0;
    batch[3].val = pte(t.l2, kRWF);
    check("batch stops at a RW page-table mapping -EBUSY", mmu_update(batch, 8, &done), -XEN_EBUSY);
    check_true("batch done count 3", done == 3);
    for (unsigned i = 0; i < 8; i++)
        batch[i].val = 0;
    check("batch unmaps the rest", mmu_update(batch, 8, &done), 0);

    // Illegal updates, each with Xen's errno.
    check("RW mapping of a page table -EBUSY", set_entry(t.l1, 1, pte(t.l4, kRWF)), -XEN_EBUSY);
    check("superpage L2 entry -EINVAL", set_entry(t.l2, 1, pte(t.d1, kRO | kPS)), -XEN_EINVAL);
    check("hypervisor L4 slot 256 -EINVAL", set_entry(t.l4, 256, 0), -XEN_EINVAL);
    check("L4 entry naming an L1 -EINVAL", set_entry(t.l4, t.slot + 1, pte(t.l1, kRO)),
          -XEN_EINVAL);
    check("RW self-linear L4 entry -EINVAL", set_entry(t.l4, t.slot + 1, pte(t.l4, kP | kRW | kA)),
          -XEN_EINVAL);
    check("read-only self-linear L4 entry", set_entry(t.l4, t.slot + 1, pte(t.l4, kP | kA)), 0);
    check("remove the self-linear entry", set_entry(t.l4, t.slot + 1, 0), 0);
    u64 hv_l3 = (boot_l4[256] & kAddrMask) >> 12; // a hypervisor frame
    check("mapping a hypervisor frame -EBUSY", set_entry(t.l1, 2, pte(hv_l3, kRO)), -XEN_EBUSY);
    check("plain store into a descriptor-less data page", set_entry(t.d2, 5, 0), 0);
    check("unpin a frame that is not pinned -EINVAL", mmuext(xen::MMUEXT_UNPIN_TABLE, t.l2),
          -XEN_EINVAL);

    // Foreign frames: only the privileged domain may name another domain.
    bool priv = (si.flags & xen::SIF_PRIVILEGED) != 0;
    check("mmu_update naming a domain that does not exist -ESRCH",
          set_entry(t.l1, 3, pte(t.d1, kRO), 1234), -XEN_ESRCH);
    check("update_va_mapping_otherdomain, no such domain -ESRCH",
          update_va_other(sp.pool(kData1), pte(t.d1, kRWF), 0, 1234), -XEN_ESRCH);
    long me = discover_domid();
    if (priv) {
        check("mmu_update FD = DOMID_XEN -EPERM",
              set_entry(t.l1, 3, pte(t.d1, kRO), xen::DOMID_XEN), -XEN_EPERM);
        check("mmu_update FD = own id maps own frame",
              set_entry(t.l1, 3, pte(t.d1, kRO), static_cast<u32>(me)), 0);
        check("unmap it", set_entry(t.l1, 3, 0), 0);
    } else {
        check("unprivileged mmu_update naming domain 0 -EPERM",
              set_entry(t.l1, 3, pte(t.d1, kRO), 0), -XEN_EPERM);
        check("unprivileged update_va_mapping_otherdomain(0) -EPERM",
              update_va_other(sp.pool(kData1), pte(t.d1, kRWF), 0, 0), -XEN_EPERM);
    }

    // Tear down: unmap, unpin, and the tables become ordinary pages again.
    check("unmap L1[0]", set_entry(t.l1, 0, 0), 0);
    check("unpin the L1", mmuext(xen::MMUEXT_UNPIN_TABLE, t.l1), 0);
    check("unpin the L4", mmuext(xen::MMUEXT_UNPIN_TABLE, t.l4), 0);
    for (unsigned p : kTablePages)
        check("released table page mappable RW again",
              update_va(sp.pool(p), pte(sp.pool_mfn(p), kRWF)), 0);
}

// The read-only M2P at MACH2PHYS_VIRT_START (§4.8): our frames map back to
// their PFNs, frames that are not ours read INVALID (all ones).
void test_m2p(const Space& sp, const xen::StartInfo& si) {
    const auto* m2p = reinterpret_cast<const volatile u64*>(xen::MACH2PHYS_VIRT_START);
    bool own = true;
    for (u64 pfn = 0; pfn < sp.nr_pages(); pfn += 97)
        own = own && m2p[sp.p2m()[pfn]] == pfn;
    check_true("M2P maps our frames back to their PFNs", own);
    const auto* boot_l4 = reinterpret_cast<const u64*>(si.pt_base);
    u64 hv_l3 = (boot_l4[256] & kAddrMask) >> 12;
    u64 v = m2p[hv_l3];
    printk("Glasshouse mmtest: M2P[hypervisor frame 0x%lx] = 0x%lx\n", hv_l3, v);
    check_true("M2P of a hypervisor frame is INVALID", v == ~0ull);
    long max = hypercall2<xen::HC_memory_op>(::mm::XENMEM_maximum_ram_page, 0);
    u64 zeros = 0, invalid = 0;
    for (long mfn = 0; mfn < max; mfn++) {
        u64 e = m2p[mfn];
        zeros += e == 0;
        invalid += e == ~0ull;
    }
    printk("Glasshouse mmtest: M2P over %ld frames: %lu read 0, %lu INVALID\n", max, zeros,
           invalid);
    // PFN 0 of each live domain reads 0 (dom0 plus at most 8 domUs); a
    // stale or unset M2P would show thousands.
    check_true("M2P reads 0 only for PFN 0 frames", zeros >= 1 && zeros <= 9);
}

} // namespace

bool run_mmtest(const xen::StartInfo& si) {
    Space sp(si);
    g_checks = g_failed = 0;
    test_tables(sp, si);
    test_m2p(sp, si);
    if (g_failed)
        printk("Glasshouse mmtest: %u of %u checks FAILED\n", g_failed, g_checks);
    else
        printk("Glasshouse mmtest: %u checks passed\n", g_checks);
    return g_failed == 0;
}

} // namespace guest
