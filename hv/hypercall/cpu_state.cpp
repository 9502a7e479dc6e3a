// Hypercalls for CPU state a guest kernel cannot set itself from ring 3:
// segment bases, the lazy-FPU TS flag, debug registers, I/O privilege and
// VM assists. docs/pv-abi.md §3.4.6, §3.4.14, §3.4.21.
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/traps/debugreg.hpp"

extern "C" void load_selector_gs(u16);

i64 hc_set_segment_base(Vcpu* v, const HypercallArgs& a) {
    unsigned which = static_cast<unsigned>(a.a[0]);
    u64 base = a.a[1];
    switch (which) {
    case xen::SEGBASE_FS:
        if (!xen::is_canonical(base)) return hc_error(XEN_EINVAL);
        v->fs_base = base;
        arch::wrmsr(arch::MSR_FS_BASE, base);
        return 0;
    case xen::SEGBASE_GS_USER:
        if (!xen::is_canonical(base)) return hc_error(XEN_EINVAL);
        v->gs_base_user = base; // inactive while the guest kernel runs
        return 0;
    case xen::SEGBASE_GS_KERNEL:
        if (!xen::is_canonical(base)) return hc_error(XEN_EINVAL);
        v->gs_base_kernel = base;
        arch::wrmsr(arch::MSR_GS_BASE, base);
        return 0;
    case xen::SEGBASE_GS_USER_SEL: {
        // Load a user GS selector without disturbing the kernel's GS base:
        // load it (which sets the active base from the descriptor), take that
        // base as the user one, and restore the kernel's.
        u16 sel = static_cast<u16>(base) | ((base & 0xFFFC) ? 3 : 0);
        u64 kernel_gs = arch::rdmsr(arch::MSR_GS_BASE);
        load_selector_gs(sel);
        v->gs_base_user = arch::rdmsr(arch::MSR_GS_BASE);
        arch::wrmsr(arch::MSR_GS_BASE, kernel_gs);
        return 0;
    }
    default:
        return hc_error(XEN_EINVAL);
    }
}

i64 hc_fpu_taskswitch(Vcpu* v, const HypercallArgs& a) {
    v->cr0_ts = a.a[0] != 0;
    u64 cr0 = arch::read_cr0() & ~arch::CR0_TS;
    arch::write_cr0(cr0 | (v->cr0_ts ? arch::CR0_TS : 0));
    return 0;
}

i64 hc_set_debugreg(Vcpu* v, const HypercallArgs& a) {
    return hc_status(set_debugreg(v, static_cast<unsigned>(a.a[0]), a.a[1]));
}

i64 hc_get_debugreg(Vcpu* v, const HypercallArgs& a) {
    auto r = get_debugreg(v, static_cast<unsigned>(a.a[0]));
    return r.ok() ? static_cast<i64>(*r) : hc_error(r.error());
}

i64 hc_vm_assist(Vcpu* v, const HypercallArgs& a) {
    unsigned cmd = static_cast<unsigned>(a.a[0]);
    unsigned type = static_cast<unsigned>(a.a[1]);
    constexpr u64 kValid =
        (1ull << xen::VMASST_TYPE_4gb_segments) | (1ull << xen::VMASST_TYPE_4gb_segments_notify) |
        (1ull << xen::VMASST_TYPE_writable_pagetables) |
        (1ull << xen::VMASST_TYPE_pae_extended_cr3) |
        (1ull << xen::VMASST_TYPE_architectural_iopl) |
        (1ull << xen::VMASST_TYPE_runstate_update_flag) | (1ull << xen::VMASST_TYPE_m2p_strict);
    if (cmd != xen::VMASST_CMD_enable && cmd != xen::VMASST_CMD_disable)
        return hc_error(XEN_ENOSYS);
    if (type >= 64 || !(kValid & (1ull << type))) return hc_error(XEN_EINVAL);
    if (cmd == xen::VMASST_CMD_enable)
        v->domain->vm_assist |= 1ull << type;
    else
        v->domain->vm_assist &= ~(1ull << type);
    return 0;
}

i64 hc_physdev_op(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    switch (cmd) {
    case xen::PHYSDEVOP_set_iopl: {
        u32 iopl;
        if (!read_guest(iopl, a.a[1]).ok()) return hc_error(XEN_EFAULT);
        if (iopl > 3) return hc_error(XEN_EINVAL);
        v->iopl = static_cast<u8>(iopl);
        return 0;
    }
    default:
        return hc_error(XEN_ENOSYS);
    }
}
