// The trace ring shared by the hypervisor (producer) and the host
// (consumer): one per physical CPU, published through the introspection
// root (traces/FORMAT.md, "Live trace rings"). The layout is ABI for host
// tools: plain integers, sizes pinned with static_asserts.
//
// Positions are byte counts since the ring was created and only grow; the
// byte at position p lives at data[p % size]. The hypervisor owns
// `produced` (and every counter but one); the host owns `consumed`, which it
// writes into the shared RAM file after it has copied the records before it.
// Neither side ever trusts the other's word: the producer treats a
// `consumed` that is ahead of `produced` or more than `size` behind as "no
// room", the consumer treats a `produced` that is behind `consumed` or more
// than `size` ahead as a broken ring.
#pragma once

#include "hv/lib/types.hpp"

namespace trace {

struct RingControl {
    u64 data_phys;   // machine address of the data area (machine-contiguous)
    u32 size;        // bytes in the data area, a power of two
    u32 cpu;         // physical CPU that writes it
    u64 produced;    // hypervisor: bytes committed (release store after the record)
    u64 consumed;    // host: bytes it is done with (the producer may overwrite them)
    u64 records;     // hypervisor: records committed
    u64 lost;        // hypervisor: records dropped because the ring was full
    u64 epoch_start; // hypervisor: position of the current recording's first record
    u64 reserved;
};
static_assert(sizeof(RingControl) == 64);
static_assert(__builtin_offsetof(RingControl, produced) == 16);
static_assert(__builtin_offsetof(RingControl, consumed) == 24);

// Atomic accessors: the two sides run on different CPUs (a QEMU vCPU thread
// and a host process), so every shared word is one aligned 8-byte access.
inline u64 ring_load(const u64& w) {
    return __atomic_load_n(&w, __ATOMIC_ACQUIRE);
}
inline void ring_store(u64& w, u64 v) {
    __atomic_store_n(&w, v, __ATOMIC_RELEASE);
}

} // namespace trace
