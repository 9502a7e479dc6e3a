// Machine memory as the host sees it: the bytes of QEMU's guest RAM backend
// (a shared file, or a buffer in tests) and the translation from machine
// address to offset. QEMU's x86 PC machines put RAM below the PCI hole at
// the same addresses and the rest from 4 GiB up; the backend holds both
// parts back to back, low part first.
#pragma once

#include "hv/lib/types.hpp"

#include <cstring>

namespace glass {

class MachineMemory {
  public:
    MachineMemory() = default;
    // `low_size`: bytes of the backend mapped below 4 GiB; the rest starts
    // at 4 GiB. Pass `size` when everything is below the hole.
    MachineMemory(const u8* base, u64 size, u64 low_size)
        : base_(base), size_(size), low_size_(low_size < size ? low_size : size) {}

    u64 size() const { return size_; }
    u64 low_size() const { return low_size_; }
    void set_low_size(u64 low) { low_size_ = low < size_ ? low : size_; }

    // Pointer to [pa, pa + len), or nullptr when that is not all RAM.
    const u8* at(u64 pa, u64 len) const {
        u64 off;
        if (pa < low_size_) {
            if (len > low_size_ - pa) return nullptr;
            off = pa;
        } else if (pa >= kHighBase) {
            off = low_size_ + (pa - kHighBase);
            if (off >= size_ || len > size_ - off) return nullptr;
        } else {
            return nullptr;
        }
        return base_ + off;
    }

    bool read(u64 pa, void* out, u64 len) const {
        const u8* p = at(pa, len);
        if (!p) return false;
        std::memcpy(out, p, len);
        return true;
    }

    // One naturally aligned word, read with a single load: the hypervisor
    // may be writing it at the same moment.
    template <class T>
    bool load(u64 pa, T& out) const {
        const u8* p = at(pa, sizeof(T));
        if (!p) return false;
        out = __atomic_load_n(reinterpret_cast<const T*>(p), __ATOMIC_ACQUIRE);
        return true;
    }

    static constexpr u64 kHighBase = 1ull << 32;

  private:
    const u8* base_ = nullptr;
    u64 size_ = 0;
    u64 low_size_ = 0;
};

} // namespace glass
