// Guest memory as the portable hypercall logic sees it: the argument
// structures a handler reads and the results it writes back, by guest
// virtual address. The hypervisor implements it with copy_from_guest /
// copy_to_guest (hv/mm/guest_access); the host replay implements reads from
// a trace's HypercallRead records. Keeping every handler's guest access
// behind this one interface is what lets the replay run the same decode,
// check and act code the hypervisor runs.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

namespace hcore {

class GuestMemory {
  public:
    // XEN_EFAULT if [va, va + n) is not entirely guest-accessible memory.
    [[nodiscard]] virtual Status read(void* dst, u64 va, usize n) = 0;
    [[nodiscard]] virtual Status write(u64 va, const void* src, usize n) = 0;

    template <class T>
    [[nodiscard]] Status read_obj(T& out, u64 va) {
        return read(&out, va, sizeof(T));
    }
    template <class T>
    [[nodiscard]] Status write_obj(u64 va, const T& v) {
        return write(va, &v, sizeof(T));
    }

  protected:
    // Never deleted through this interface (the hypervisor has no heap).
    ~GuestMemory() = default;
};

} // namespace hcore
