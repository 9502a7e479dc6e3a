#include "hv/mm/guest_access.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/extable.hpp"
#include "hv/lib/string.hpp"
#include "hv/trace/recorder.hpp"

namespace {
// The range must lie entirely in guest-owned address space: below the
// canonical hole, or above the hypervisor's slots (Xen's __addr_ok applied
// to both ends, without wrap-around).
bool range_ok(u64 va, usize n) {
    if (n == 0) return true;
    u64 last = va + n - 1;
    if (last < va) return false;
    if (last < (1ull << 47)) return true;
    return va >= xen::HYPERVISOR_VIRT_END;
}
} // namespace

Status copy_from_guest(void* dst, u64 guest_va, usize n) {
    if (!range_ok(guest_va, n)) return XEN_EFAULT;
    if (raw_copy(dst, reinterpret_cast<const void*>(guest_va), n)) return XEN_EFAULT;
    // What the handler now acts on goes into the trace (mmu_update's
    // requests, multicall entries...), so replay sees the same input.
    trace::guest_read(guest_va, dst, n);
    return {};
}

Status copy_to_guest(u64 guest_va, const void* src, usize n) {
    if (!range_ok(guest_va, n)) return XEN_EFAULT;
    return raw_copy(reinterpret_cast<void*>(guest_va), src, n) ? XEN_EFAULT : Status{};
}

Status clear_guest(u64 guest_va, usize n) {
    static const u8 zeros[256] = {};
    while (n) {
        usize chunk = n < sizeof zeros ? n : sizeof zeros;
        TRY(copy_to_guest(guest_va, zeros, chunk));
        guest_va += chunk;
        n -= chunk;
    }
    return {};
}
