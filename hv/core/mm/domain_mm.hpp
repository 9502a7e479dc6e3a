// What the memory-typing core needs to know about the domain on whose
// behalf it validates: identity, permissions, CPU features and the
// hypervisor's own L4 entries. Filled by the domain code; read-only here.
#pragma once

#include "hv/lib/types.hpp"

namespace mm {

constexpr unsigned kHypervisorL4Slots = 16; // slots 256..271

struct DomainMm {
    u16 id = 0;
    // May map non-RAM (MMIO) frames below 2^paddr_bits; dom0 may.
    bool io_mem_allowed = false;
    // May use PWT/PCD/PAT in L1 entries (Xen's cache_flush_permitted).
    bool cache_flush_permitted = false;
    // The CPU honours NX; without it bit 63 is reserved and refused.
    bool nx_available = true;
    // Machine physical address width; bounds the MMIO the domain may map.
    u8 paddr_bits = 46;
    // The 16 entries written into L4 slots 256..271 of every validated L4
    // (slot 256: read-only M2P). Null leaves those slots zero.
    const u64* hypervisor_l4 = nullptr;
};

} // namespace mm
