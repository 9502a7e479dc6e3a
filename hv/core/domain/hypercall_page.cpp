#include "hv/core/domain/hypercall_page.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/lib/string.hpp"

namespace {

constexpr u8 kInt3 = 0xcc;

// push %rcx; push %r11 -- SYSCALL clobbers both, the stub restores them.
usize emit_prologue(u8* p) {
    p[0] = 0x51;
    p[1] = 0x41;
    p[2] = 0x53;
    return 3;
}

// mov $nr, %eax; syscall
usize emit_call(u8* p, u32 nr) {
    p[0] = 0xb8;
    memcpy(p + 1, &nr, sizeof(nr)); // x86 is little-endian
    p[5] = 0x0f;
    p[6] = 0x05;
    return 7;
}

void emit_normal_stub(u8* p, u32 nr) {
    usize n = emit_prologue(p);
    n += emit_call(p + n, nr);
    const u8 epilogue[] = {0x41, 0x5b, 0x59, 0xc3}; // pop %r11; pop %rcx; ret
    memcpy(p + n, epilogue, sizeof(epilogue));
}

// The guest jumps here with an iret frame on its stack; the hypervisor
// consumes the frame (and the pushed rcx/r11/rax) and never returns here.
void emit_iret_stub(u8* p) {
    usize n = emit_prologue(p);
    p[n++] = 0x50; // push %rax
    emit_call(p + n, xen::HC_iret);
}

} // namespace

void fill_pv64_hypercall_page(u8* page) {
    memset(page, kInt3, kPageSize);
    for (unsigned nr = 0; nr < kHypercallStubCount; nr++) {
        u8* stub = page + nr * kHypercallStubSize;
        if (nr == xen::HC_iret)
            emit_iret_stub(stub);
        else
            emit_normal_stub(stub, nr);
    }
}
