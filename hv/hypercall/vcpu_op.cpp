// vcpu_op (docs/pv-abi.md §3.4.16): bringing vCPUs up and down, loading a
// secondary vCPU's initial context, its timers, runstate and the location
// of its vcpu_info. Commands that act on "this vCPU only" answer -EINVAL
// for another one, as Xen does.
#include "hv/abi/layout.hpp"
#include "hv/abi/vcpu.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/descriptors.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/time/clock.hpp"
#include "hv/time/runstate.hpp"
#include "hv/time/vcpu_timers.hpp"
#include "hv/traps/debugreg.hpp"

namespace {

constexpr u64 kMinPeriodNs = 1000000; // 1 ms: Xen refuses faster ticks
constexpr u64 kMaxLdtEntries = 8192;
// rflags bits a guest may set; IOPL is virtual (iopl) and IF always on.
constexpr u64 kGuestRflags =
    0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x4000 | 0x40000 | 0x200000;
constexpr u64 kRflagsIf = 0x200, kRflagsFixed1 = 0x2;

u16 guest_selector(u16 sel) {
    return sel ? static_cast<u16>(sel | 3) : sel; // both guest rings are ring 3
}

// Every address the context names must be canonical (Xen: -EINVAL).
bool context_addresses_ok(const xen::VcpuGuestContext& c) {
    const u64 addrs[] = {c.user_regs.rip,
                         c.user_regs.rsp,
                         c.kernel_sp,
                         c.ldt_base,
                         c.fs_base,
                         c.gs_base_kernel,
                         c.gs_base_user,
                         c.event_callback_eip,
                         c.failsafe_callback_eip,
                         c.syscall_callback_eip};
    for (u64 a : addrs)
        if (!xen::is_canonical(a)) return false;
    for (const auto& t : c.trap_ctxt)
        if (!xen::is_canonical(t.address)) return false;
    return true;
}

i64 initialise(Vcpu* caller, Vcpu* t, u64 arg) {
    xen::VcpuGuestContext c; // 5 KiB of the 32 KiB stack, for this call only
    if (!read_guest(c, arg).ok()) return hc_error(XEN_EFAULT);
    if (t->initialised) return hc_error(XEN_EEXIST);
    if (!context_addresses_ok(c)) return hc_error(XEN_EINVAL);
    if ((c.ldt_base & (kPageSize - 1)) || c.ldt_ents > kMaxLdtEntries) return hc_error(XEN_EINVAL);
    if (c.gdt_ents > xen::FIRST_RESERVED_GDT_ENTRY) return hc_error(XEN_EINVAL);
    // cr3 holds a frame number only: no flags, no PCID.
    if (c.ctrlreg[3] & (kPageSize - 1) || c.ctrlreg[1] & (kPageSize - 1))
        return hc_error(XEN_EINVAL);
    u64 kernel_l4 = xen::cr3_to_mfn(c.ctrlreg[3]);
    u64 user_l4 = xen::cr3_to_mfn(c.ctrlreg[1]);
    if (!kernel_l4) return hc_error(XEN_EINVAL);

    // Take the references that can fail first; undo them if a later one does.
    Domain* d = t->domain;
    auto& types = page_types();
    if (Status s = types.get_base_pointer(kernel_l4, d->mm); !s.ok()) return hc_status(s);
    if (user_l4) {
        if (Status s = types.get_base_pointer(user_l4, d->mm); !s.ok()) {
            types.put_base_pointer(kernel_l4);
            return hc_status(s);
        }
    }
    if (Status s = install_gdt(t, c.gdt_frames, c.gdt_ents); !s.ok()) {
        if (user_l4) types.put_base_pointer(user_l4);
        types.put_base_pointer(kernel_l4);
        return hc_status(s);
    }
    for (unsigned i = 0; i < 4; i++)
        (void)set_debugreg(t, i, c.debugreg[i]); // rejected values stay 0
    (void)set_debugreg(t, 6, c.debugreg[6]);
    (void)set_debugreg(t, 7, c.debugreg[7]);
    // set_debugreg loads the hardware registers: put back the caller's.
    if (t != caller) load_debugregs(caller);

    const xen::CpuUserRegs& u = c.user_regs;
    Regs& r = t->regs;
    r = {};
    r.r15 = u.r15, r.r14 = u.r14, r.r13 = u.r13, r.r12 = u.r12, r.rbp = u.rbp, r.rbx = u.rbx;
    r.r11 = u.r11, r.r10 = u.r10, r.r9 = u.r9, r.r8 = u.r8, r.rax = u.rax, r.rcx = u.rcx;
    r.rdx = u.rdx, r.rsi = u.rsi, r.rdi = u.rdi;
    r.rip = u.rip;
    r.rsp = u.rsp;
    r.cs = guest_selector(u.cs ? u.cs : xen::FLAT_KERNEL_CS);
    r.ss = guest_selector(u.ss ? u.ss : xen::FLAT_KERNEL_SS);
    r.rflags = (u.rflags & kGuestRflags) | kRflagsIf | kRflagsFixed1;
    // The context's IOPL field is the vCPU's virtual IOPL, as in Xen's
    // arch_set_info_guest: Linux brings secondary vCPUs up with IOPL 1 this
    // way (PHYSDEVOP_set_iopl is made on the boot vCPU only), and dom0's
    // VGA console then uses port I/O on every vCPU.
    t->iopl = static_cast<u8>((u.rflags >> 12) & 3);
    t->ds = u.ds, t->es = u.es, t->fs = u.fs, t->gs = u.gs;
    t->fs_base = c.fs_base;
    t->gs_base_kernel = c.gs_base_kernel;
    t->gs_base_user = c.gs_base_user;

    for (unsigned i = 0; i < 256; i++) {
        const xen::TrapInfo& ti = c.trap_ctxt[i];
        t->traps[i] =
            ti.address ? VirtualTrap{ti.address, guest_selector(ti.cs), ti.flags} : VirtualTrap{};
    }
    t->event_cb = {c.event_callback_eip, true};
    t->failsafe_cb = {c.failsafe_callback_eip, (c.flags & xen::VGCF_failsafe_disables_events) != 0};
    t->syscall_cb = {c.syscall_callback_eip, (c.flags & xen::VGCF_syscall_disables_events) != 0};
    t->kernel_ss = guest_selector(static_cast<u16>(c.kernel_ss));
    t->kernel_sp = c.kernel_sp;
    t->ldt_base = c.ldt_base;
    t->ldt_ents = static_cast<u32>(c.ldt_ents);
    t->kernel_mode = (c.flags & xen::VGCF_in_kernel) != 0;
    t->kernel_l4_mfn = kernel_l4;
    t->user_l4_mfn = user_l4;
    t->initialised = true;
    // Xen brings a context marked online straight up; otherwise VCPUOP_up does.
    if (c.flags & xen::VGCF_online) vcpu_wake(t);
    return 0;
}

i64 register_vcpu_info(Vcpu* caller, Vcpu* t, u64 arg) {
    xen::RegisterVcpuInfo req;
    if (!read_guest(req, arg).ok()) return hc_error(XEN_EFAULT);
    if (req.offset > kPageSize - sizeof(xen::VcpuInfo) || (req.offset & 7))
        return hc_error(XEN_ENXIO);
    if (t->vcpu_info_mfn) return hc_error(XEN_EINVAL); // once only
    // On yourself, or on a vCPU that is down (it cannot be using the old one).
    if (t != caller && t->state != VcpuState::offline) return hc_error(XEN_EINVAL);
    Domain* d = t->domain;
    auto& types = page_types();
    // A writable-type reference: the frame can never become a page table
    // while the hypervisor writes event state into it.
    if (!types.get_page(req.mfn, d->id).ok()) return hc_error(XEN_EINVAL);
    if (!types.get_page_type(req.mfn, mm::FrameType::Writable, d->mm).ok()) {
        types.put_page(req.mfn);
        return hc_error(XEN_EINVAL);
    }
    auto* info =
        reinterpret_cast<xen::VcpuInfo*>(static_cast<u8*>(map_frame(req.mfn)) + req.offset);
    if (t->vcpu_info)
        memcpy(info, t->vcpu_info, sizeof *info);
    else
        memset(info, 0, sizeof *info);
    // Events raised into the old copy must not be missed: make the guest
    // rescan every selector word.
    info->evtchn_upcall_pending = 1;
    info->evtchn_pending_sel = ~0ull;
    t->vcpu_info = info;
    t->vcpu_info_mfn = req.mfn;
    time_update_vcpu(t);
    return 0;
}

i64 set_singleshot(Vcpu* caller, Vcpu* t, u64 arg) {
    if (t != caller) return hc_error(XEN_EINVAL);
    xen::SetSingleshotTimer req;
    if (!read_guest(req, arg).ok()) return hc_error(XEN_EFAULT);
    if ((req.flags & xen::VCPU_SSHOTTMR_future) && req.timeout_abs_ns < arch::now_ns())
        return hc_error(XEN_ETIME);
    vcpu_singleshot_set(t, req.timeout_abs_ns);
    return 0;
}

i64 set_periodic(Vcpu* t, u64 arg) {
    xen::SetPeriodicTimer req;
    if (!read_guest(req, arg).ok()) return hc_error(XEN_EFAULT);
    if (req.period_ns < kMinPeriodNs || (req.period_ns >> 62)) return hc_error(XEN_EINVAL);
    vcpu_periodic_set(t, req.period_ns);
    return 0;
}

i64 register_runstate_area(Vcpu* caller, Vcpu* t, u64 arg) {
    xen::RegisterRunstateMemoryArea req;
    if (!read_guest(req, arg).ok()) return hc_error(XEN_EFAULT);
    if (req.addr && !xen::guest_addr_ok(req.addr)) return hc_error(XEN_EFAULT);
    t->runstate_guest_va = req.addr;
    // The caller's own area can be filled at once (its tables are loaded);
    // another vCPU's is filled when it next runs.
    if (t == caller) {
        runstate_sync(t, arch::now_ns());
        runstate_publish(t);
    }
    return 0;
}

} // namespace

i64 hc_vcpu_op(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    u64 id = static_cast<u32>(a.a[1]);
    u64 arg = a.a[2];
    Domain* d = v->domain;
    if (id >= d->nr_vcpus) return hc_error(XEN_ENOENT);
    Vcpu* t = &d->vcpus[id];
    switch (cmd) {
    case xen::VCPUOP_initialise:
        return initialise(v, t, arg);
    case xen::VCPUOP_up:
        if (!t->initialised) return hc_error(XEN_EINVAL);
        if (t->state == VcpuState::offline) vcpu_wake(t);
        return 0;
    case xen::VCPUOP_down:
        if (t->state != VcpuState::offline) vcpu_down(t);
        return 0;
    case xen::VCPUOP_is_up:
        return t->state != VcpuState::offline ? 1 : 0;
    case xen::VCPUOP_get_runstate_info: {
        xen::RunstateInfo info = runstate_read(t);
        return write_guest(arg, info).ok() ? 0 : hc_error(XEN_EFAULT);
    }
    case xen::VCPUOP_register_runstate_memory_area:
        return register_runstate_area(v, t, arg);
    case xen::VCPUOP_set_periodic_timer:
        return set_periodic(t, arg);
    case xen::VCPUOP_stop_periodic_timer:
        vcpu_periodic_set(t, 0);
        return 0;
    case xen::VCPUOP_set_singleshot_timer:
        return set_singleshot(v, t, arg);
    case xen::VCPUOP_stop_singleshot_timer:
        if (t != v) return hc_error(XEN_EINVAL);
        vcpu_singleshot_stop(t);
        return 0;
    case xen::VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, t, arg);
    default:
        // send_nmi and get_physid are not offered (Xen: -ENOSYS too for PV).
        return hc_error(XEN_ENOSYS);
    }
}
