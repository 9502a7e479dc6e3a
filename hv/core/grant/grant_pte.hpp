// The PTE a host grant mapping installs (docs/pv-abi.md §3.4.13, Xen's
// grant_to_pte_flags): present, accessed, dirty, never executable, writable
// unless GNTMAP_readonly, user-accessible only with GNTMAP_application_map,
// then the usual pv64 adjustment of L1 entries.
//
// Xen's debug builds also set bit 62 as a grant marker; release builds do
// not, and neither do we, so a guest overwriting a grant PTE releases it
// like any L1 entry (the references move with the PTE, see grant_refs.cpp).
#pragma once

#include "hv/abi/grant_table.hpp"
#include "hv/core/mm/domain_mm.hpp"
#include "hv/core/mm/entry_rules.hpp"
#include "hv/core/mm/pte.hpp"

namespace grant {

constexpr u64 grant_pte(u64 mfn, u32 gntmap_flags, const mm::DomainMm& d) {
    u64 flags = mm::PTE_P | mm::PTE_A | mm::PTE_D;
    if (d.nx_available) flags |= mm::PTE_NX;
    if (!(gntmap_flags & xen::GNTMAP_readonly)) flags |= mm::PTE_RW;
    if (gntmap_flags & xen::GNTMAP_application_map) flags |= mm::PTE_US;
    return mm::adjust_entry(1, mm::make_pte(mfn, flags));
}

} // namespace grant
