// The iret hypercall (docs/pv-abi.md §4.7): return from a bounce frame, to
// guest kernel or (switching page tables and GS) to guest user mode.
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/domain/crash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"

namespace {
constexpr u64 kArchFlags = 0x3F7FD5; // CF..ID, minus reserved bits
}

i64 hc_iret(Vcpu* v, const HypercallArgs&) {
    Regs& r = cpu_info()->guest_regs;
    Domain* d = v->domain;
    xen::IretContext f;
    if (!read_guest(f, r.rsp).ok()) {
        domain_crash(d, "iret: cannot read the iret frame at %lx", r.rsp);
        return 0;
    }
    // Returning to user mode switches page tables and GS bases first.
    if ((f.cs & 3) == 3 && v->kernel_mode) {
        if (!toggle_guest_mode(v)) {
            domain_crash(d, "iret to user mode with no user page table");
            return 0;
        }
    }
    bool arch_iopl = d->vm_assist & (1ull << xen::VMASST_TYPE_architectural_iopl);
    if (arch_iopl) v->iopl = (f.rflags >> 12) & 3;
    if (v->vcpu_info) v->vcpu_info->evtchn_upcall_mask = !(f.rflags & arch::RFLAGS_IF);

    r.rax = f.rax;
    if (!(f.flags & xen::VGCF_in_syscall)) {
        r.r11 = f.r11;
        r.rcx = f.rcx;
    } else {
        // SYSRET semantics: rcx/r11 carry the return rip and rflags.
        r.rcx = f.rip;
        r.r11 = f.rflags;
    }
    r.rip = f.rip;
    r.cs = f.cs | 3;
    r.rflags =
        (f.rflags & kArchFlags & ~(arch::RFLAGS_IOPL | arch::RFLAGS_VM)) | arch::RFLAGS_IF | 2;
    r.rsp = f.rsp;
    r.ss = f.ss | 3;
    v->regs_replaced = true;
    return static_cast<i64>(f.rax);
}
