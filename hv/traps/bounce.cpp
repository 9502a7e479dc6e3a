#include "hv/traps/bounce.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/domain/crash.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/inject/injector.hpp"
#include "hv/kernel/log.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/trace/recorder.hpp"

void inject_trap(Vcpu* v, unsigned vector) {
    v->pending_trap = {true, static_cast<u8>(vector), false, 0};
}

void inject_trap_error(Vcpu* v, unsigned vector, u32 error_code) {
    v->pending_trap = {true, static_cast<u8>(vector), true, error_code};
}

void inject_page_fault(Vcpu* v, u64 cr2, u32 error_code) {
    v->cr2 = cr2;
    if (v->vcpu_info) v->vcpu_info->cr2 = cr2;
    inject_trap_error(v, 14, error_code);
}

bool bounce_to(Vcpu* v, Regs& r, u64 handler, bool mask_events, bool has_error_code,
               u32 error_code) {
    Domain* d = v->domain;
    u8 saved_mask = v->vcpu_info ? v->vcpu_info->evtchn_upcall_mask : 1;

    // Interrupted context, captured before any mode switch.
    u64 frame_rip = r.rip, frame_rsp = r.rsp, frame_ss = r.ss;
    u64 frame_cs = r.cs;
    u64 sp;
    if (v->kernel_mode) {
        sp = r.rsp;
        frame_cs &= ~3ull; // RPL 0 in the saved CS means "interrupted kernel"
    } else {
        if (!toggle_guest_mode(v)) {
            domain_crash(d, "no kernel page table to bounce into");
            return false;
        }
        sp = v->kernel_sp;
    }
    sp &= ~15ull;

    bool assist_iopl = d->vm_assist & (1ull << xen::VMASST_TYPE_architectural_iopl);
    u64 rflags = (r.rflags & ~(arch::RFLAGS_IF | arch::RFLAGS_IOPL)) |
                 (saved_mask ? 0 : arch::RFLAGS_IF) |
                 (assist_iopl ? static_cast<u64>(v->iopl) << 12 : 0);

    u64 frame[10];
    unsigned n = 0;
    frame[n++] = r.rcx;
    frame[n++] = r.r11;
    if (has_error_code) frame[n++] = error_code;
    frame[n++] = frame_rip;
    frame[n++] = (frame_cs & 0xFFFF) | (static_cast<u64>(saved_mask) << 32);
    frame[n++] = rflags;
    frame[n++] = frame_rsp;
    frame[n++] = frame_ss;
    u64 base = sp - n * 8;

    // The frame may not reach into the hypervisor's slots (Xen checks the
    // start address against that window plus the frame size).
    if (sp > xen::HYPERVISOR_VIRT_START && sp < xen::HYPERVISOR_VIRT_END + 64) {
        domain_crash(d, "bounce frame at %lx overlaps the hypervisor", sp);
        return false;
    }
    if (!copy_to_guest(base, frame, n * 8).ok()) {
        domain_crash(d, "cannot write bounce frame at %lx (vector handler %lx)", base, handler);
        return false;
    }
    if (mask_events && v->vcpu_info) v->vcpu_info->evtchn_upcall_mask = 1;

    r.rip = handler;
    r.cs = xen::FLAT_KERNEL_CS;
    r.ss = xen::FLAT_KERNEL_SS;
    r.rsp = base;
    r.rflags = (r.rflags & ~(arch::RFLAGS_TF | arch::RFLAGS_NT | arch::RFLAGS_RF | arch::RFLAGS_AC |
                             arch::RFLAGS_VM | arch::RFLAGS_IOPL)) |
               arch::RFLAGS_IF;
    return true;
}

namespace {
const char* const kVectorNames[32] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                      "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
                                      "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
                                      "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31"};
}

void deliver_pending(Vcpu* v, Regs& r) {
    if (injector_deliver(v, r)) return; // an injected exception or crash (issue 11)
    if (v->pending_trap.pending) {
        PendingTrap t = v->pending_trap;
        v->pending_trap.pending = false;
        const VirtualTrap& vt = v->traps[t.vector];
        if (!vt.address) {
            domain_crash(v->domain,
                         "unhandled %s (vector %u, error %x) at %lx: no handler in "
                         "the guest's trap table",
                         t.vector < 32 ? kVectorNames[t.vector] : "interrupt", t.vector,
                         t.error_code, r.rip);
            return;
        }
        trace::exception_bounce(v, t.vector, t.has_error_code, t.error_code, r.rip,
                                t.vector == 14 ? v->cr2 : 0);
        if (!bounce_to(v, r, vt.address, vt.flags & xen::kTrapFlagMaskEvents, t.has_error_code,
                       t.error_code))
            return;
    }
    xen::VcpuInfo* vi = v->vcpu_info;
    if (vi && vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask && v->event_cb.address) {
        trace::event_upcall(v, vi->evtchn_pending_sel);
        bounce_to(v, r, v->event_cb.address, true, false, 0);
    }
}
