#include "guest/mm_space.hpp"

namespace guest::mmu {
namespace {

alignas(4096) u8 g_pool[kPoolPages][4096];

u64 read_cr3() {
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v)); // emulated by the hypervisor
    return v;
}

} // namespace

Space::Space(const xen::StartInfo& si)
    : p2m_(reinterpret_cast<const u64*>(si.mfn_list)), nr_pages_(si.nr_pages),
      boot_l4_mfn_(read_cr3() >> 12), base_va_(si.pt_base), base_pfn_(0) {
    // The one search: which PFN the L4 at pt_base is.
    for (u64 pfn = 0; pfn < nr_pages_; pfn++)
        if (p2m_[pfn] == boot_l4_mfn_) base_pfn_ = pfn;
}

u64 Space::mfn_of(const void* va) const {
    // Signed: the image lies below the page tables.
    i64 delta = static_cast<i64>(reinterpret_cast<u64>(va) - base_va_) >> 12;
    return p2m_[base_pfn_ + static_cast<u64>(delta)];
}

void* Space::pool(unsigned i) const {
    return g_pool[i];
}

} // namespace guest::mmu
