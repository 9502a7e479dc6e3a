// Hypercalls through the hypercall page (docs/pv-abi.md §1.10, §1.11): the
// guest calls the 32-byte stub for number N at hypercall_page + 32 * N with
// arguments in rdi, rsi, rdx, r10, r8 and gets a long in rax (negative Xen
// errno on failure). The stub saves rcx/r11 around SYSCALL, so only rax and
// the argument registers change; debug builds of Xen overwrite every argument
// register it used, hence they are all in/out operands here.
#pragma once

#include "hv/abi/hypercalls.hpp"
#include "hv/lib/types.hpp"

extern "C" unsigned char hypercall_page[4096];

namespace guest {

template <unsigned Nr>
inline long hypercall1(u64 a1) {
    long ret;
    asm volatile("call hypercall_page + %c[offset]"
                 : "=a"(ret), "+D"(a1)
                 : [offset] "i"(Nr * xen::kHypercallStubSize)
                 : "memory");
    return ret;
}

template <unsigned Nr>
inline long hypercall2(u64 a1, u64 a2) {
    long ret;
    asm volatile("call hypercall_page + %c[offset]"
                 : "=a"(ret), "+D"(a1), "+S"(a2)
                 : [offset] "i"(Nr * xen::kHypercallStubSize)
                 : "memory");
    return ret;
}

template <unsigned Nr>
inline long hypercall3(u64 a1, u64 a2, u64 a3) {
    long ret;
    asm volatile("call hypercall_page + %c[offset]"
                 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                 : [offset] "i"(Nr * xen::kHypercallStubSize)
                 : "memory");
    return ret;
}

template <unsigned Nr>
inline long hypercall4(u64 a1, u64 a2, u64 a3, u64 a4) {
    long ret;
    register u64 r10 asm("r10") = a4;
    asm volatile("call hypercall_page + %c[offset]"
                 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
                 : [offset] "i"(Nr * xen::kHypercallStubSize)
                 : "memory");
    return ret;
}

// The same hypercall as a bare SYSCALL, which Xen accepts from guest kernel
// mode just like the stub. Used only to report that the hypercall page was
// never written, when calling a stub would just `ret`.
inline long raw_hypercall3(unsigned nr, u64 a1, u64 a2, u64 a3) {
    long ret = nr;
    asm volatile("syscall" : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3) : : "rcx", "r11", "memory");
    return ret;
}

// --- typed wrappers for the calls this kernel makes ---

inline long console_write(const char* buf, usize len) {
    return hypercall3<xen::HC_console_io>(xen::CONSOLEIO_write, len, reinterpret_cast<u64>(buf));
}

inline long sched_op(int cmd, void* arg) {
    return hypercall2<xen::HC_sched_op>(static_cast<u64>(cmd), reinterpret_cast<u64>(arg));
}

inline long event_channel_op(int cmd, void* arg) {
    return hypercall2<xen::HC_event_channel_op>(static_cast<u64>(cmd), reinterpret_cast<u64>(arg));
}

inline long set_trap_table(const void* table) {
    return hypercall1<xen::HC_set_trap_table>(reinterpret_cast<u64>(table));
}

inline long update_va_mapping(u64 va, u64 pte, u64 flags) {
    return hypercall3<xen::HC_update_va_mapping>(va, pte, flags);
}

} // namespace guest
