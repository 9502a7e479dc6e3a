// gdb thread ids for Glasshouse vCPUs. gdb wants positive ids (0 means
// "any thread" and -1 "all threads" in packets), so vCPU v of domain d is
// (d << 16) | (v + 1): dom0's vCPUs are threads 1, 2, ...; dom1's start at
// 0x10001. The mapping is fixed so a thread id stays valid across domain
// creation and destruction elsewhere, and a client can decode it without
// asking.
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

struct ThreadRef {
    u16 domain = 0;
    u16 vcpu = 0;
    bool operator==(const ThreadRef&) const = default;
};

constexpr u64 thread_id(ThreadRef t) {
    return static_cast<u64>(t.domain) << 16 | (static_cast<u64>(t.vcpu) + 1);
}

// False for ids no ThreadRef produces (0, low half 0, above 32 bits).
constexpr bool thread_ref(u64 tid, ThreadRef& out) {
    if (tid > 0xffffffffu || (tid & 0xffff) == 0) return false;
    out.domain = static_cast<u16>(tid >> 16);
    out.vcpu = static_cast<u16>((tid & 0xffff) - 1);
    return true;
}

// A thread argument of H, T and vCont: one thread, any thread or all.
struct ThreadSel {
    enum Kind : u8 { One, Any, All } kind = Any;
    u64 tid = 0; // valid when kind == One
};

} // namespace gdb
