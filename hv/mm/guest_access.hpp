// Reading and writing guest memory by guest virtual address, through the
// page tables of the vCPU that is running on this CPU. The hypervisor never
// trusts a guest pointer: every access is range-checked against the
// hypervisor's slots and any fault is reported, not taken.
#pragma once

#include "hv/core/hypercall/guest_memory.hpp"
#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

// XEN_EFAULT if [va, va + n) is not entirely guest-accessible memory.
[[nodiscard]] Status copy_from_guest(void* dst, u64 guest_va, usize n);
[[nodiscard]] Status copy_to_guest(u64 guest_va, const void* src, usize n);
[[nodiscard]] Status clear_guest(u64 guest_va, usize n);

template <class T>
[[nodiscard]] Status read_guest(T& out, u64 guest_va) {
    return copy_from_guest(&out, guest_va, sizeof(T));
}
template <class T>
[[nodiscard]] Status write_guest(u64 guest_va, const T& v) {
    return copy_to_guest(guest_va, &v, sizeof(T));
}

// The running vCPU's memory as the portable hypercall logic reads it
// (hv/core/hypercall/guest_memory.hpp).
class GuestCopy final : public hcore::GuestMemory {
  public:
    Status read(void* dst, u64 va, usize n) override { return copy_from_guest(dst, va, n); }
    Status write(u64 va, const void* src, usize n) override { return copy_to_guest(va, src, n); }
};
