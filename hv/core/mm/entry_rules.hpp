// The per-entry flag rules and guest-visible adjustments of §4.2, as pure
// functions of the entry value. Whether the named frame may be referenced
// is decided in validate.cpp, which owns the reference counting.
#pragma once

#include "hv/abi/errno.hpp"
#include "hv/core/mm/domain_mm.hpp"
#include "hv/core/mm/pte.hpp"

namespace mm {

// Flag bits a present entry of `level` (1..4) may not carry for domain d.
constexpr u64 disallowed_flags(unsigned level, const DomainMm& d) {
    u64 bad = d.nx_available ? 0 : PTE_NX;
    if (level == 1) {
        // Uncached or PAT-typed mappings only for domains allowed to do I/O.
        if (!d.cache_flush_permitted) bad |= kL1CacheBits;
    } else {
        bad |= kUpperDisallowed;
    }
    return bad;
}

constexpr XenErrno check_entry_flags(unsigned level, u64 e, const DomainMm& d) {
    return (e & disallowed_flags(level, d)) ? XEN_EINVAL : XEN_OK;
}

// What the hypervisor writes back for a present entry (pv64). The guest
// kernel and user both run in ring 3, so everything must be US in
// hardware; kernel pages are tagged with bit 52 instead, and never made
// global: a global kernel translation would survive the switch to the
// user L4 and expose kernel memory to guest user mode.
constexpr u64 adjust_entry(unsigned level, u64 e) {
    if (!pte_present(e)) return e;
    if (level == 1) {
        bool kernel_page = !(e & PTE_US) || (e & PTE_GUEST_KERNEL);
        if (kernel_page) return (e | PTE_US | PTE_GUEST_KERNEL) & ~PTE_G;
        return e | PTE_G;
    }
    if (level == 4) return e | PTE_US | PTE_A;
    return e | PTE_US;
}

} // namespace mm
