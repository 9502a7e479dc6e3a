// What the page-table tests (guest/mmtest.cpp) and the MMU benchmark
// (guest/mmbench.cpp) need to drive the hypervisor's MMU: our pages' machine
// frames, a pool of spare page-aligned pages, and thin wrappers of
// update_va_mapping, mmu_update and mmuext_op (docs/pv-abi.md §4.4-§4.6).
#pragma once

#include "guest/arch/x86_64/hypercall.hpp"
#include "hv/abi/layout.hpp"
#include "hv/abi/xen.hpp"

namespace guest::mmu {

constexpr u64 kAddrMask = 0x000FFFFFFFFFF000ull;
constexpr u64 kP = 1, kRW = 2, kA = 0x20, kD = 0x40, kPS = 0x80;
constexpr unsigned kPoolPages = 8;

// Our boot mapping is linear in PFNs from the initial L4 (start_info.pt_base).
class Space {
  public:
    explicit Space(const xen::StartInfo& si);
    u64 boot_l4_mfn() const { return boot_l4_mfn_; }
    u64 mfn_of(const void* va) const;
    // Pool page i (0 <= i < kPoolPages): zeroed .bss pages the tests own.
    void* pool(unsigned i) const;
    u64 pool_mfn(unsigned i) const { return mfn_of(pool(i)); }
    const u64* p2m() const { return p2m_; }
    u64 nr_pages() const { return nr_pages_; }

  private:
    const u64* p2m_;
    u64 nr_pages_;
    u64 boot_l4_mfn_, base_va_, base_pfn_;
};

inline u64 pte(u64 mfn, u64 flags) {
    return (mfn << 12) | flags;
}

inline long update_va(const void* va, u64 val, u64 flags = xen::UVMF_INVLPG) {
    return hypercall3<xen::HC_update_va_mapping>(reinterpret_cast<u64>(va), val, flags);
}
inline long update_va_other(const void* va, u64 val, u64 flags, u16 domid) {
    return hypercall4<xen::HC_update_va_mapping_otherdomain>(reinterpret_cast<u64>(va), val, flags,
                                                             domid);
}
inline long mmu_update(const xen::MmuUpdate* reqs, unsigned count, unsigned* done = nullptr,
                       u32 foreigndom = xen::DOMID_SELF) {
    return hypercall4<xen::HC_mmu_update>(reinterpret_cast<u64>(reqs), count,
                                          reinterpret_cast<u64>(done), foreigndom);
}
// One entry of table `table_mfn` (MMU_NORMAL_PT_UPDATE).
inline long set_entry(u64 table_mfn, unsigned index, u64 val, u32 foreigndom = xen::DOMID_SELF) {
    xen::MmuUpdate u{(table_mfn << 12) + index * 8u, val};
    return mmu_update(&u, 1, nullptr, foreigndom);
}
inline long mmuext(u32 cmd, u64 arg1) {
    xen::MmuextOp op{};
    op.cmd = cmd;
    op.arg1 = arg1;
    return hypercall4<xen::HC_mmuext_op>(reinterpret_cast<u64>(&op), 1, 0, xen::DOMID_SELF);
}

inline u64 rdtsc() {
    u32 lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (static_cast<u64>(hi) << 32) | lo;
}

} // namespace guest::mmu
