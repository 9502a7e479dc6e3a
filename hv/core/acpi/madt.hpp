// Finding the machine's CPUs from ACPI (ACPI 6.4 §5.2.5 RSDP, §5.2.7/8
// RSDT/XSDT, §5.2.12 MADT). Tables are reached through a caller-supplied
// accessor for physical memory, so the parser runs on the host in tests.
// Every length and checksum is checked: firmware tables are not trusted to
// be well formed.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

namespace acpi {

constexpr unsigned kMaxCpus = 64;

struct CpuList {
    u32 apic_ids[kMaxCpus];
    unsigned count = 0;
    u64 lapic_address = 0; // MADT's local APIC address
};

// Reads `len` bytes of physical memory at `pa` into dst; false if the range
// is not readable.
using PhysReader = bool (*)(void* ctx, u64 pa, void* dst, usize len);

// Scans [start, end) on 16-byte boundaries for a valid RSDP (signature and
// checksum). Returns its physical address.
[[nodiscard]] Result<u64> find_rsdp(PhysReader read, void* ctx, u64 start, u64 end);

// Enabled processors (local APIC entries with the enabled or online-capable
// flag, and x2APIC entries) listed in the MADT reachable from the RSDP.
// XEN_ENOENT when there is no MADT; XEN_EINVAL for a malformed table.
[[nodiscard]] Result<CpuList> read_cpus(PhysReader read, void* ctx, u64 rsdp_pa);

} // namespace acpi
