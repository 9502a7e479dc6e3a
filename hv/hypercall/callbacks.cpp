// Registering where the guest wants control back: the virtual IDT
// (set_trap_table), callbacks (callback_op, set_callbacks) and the kernel
// stack used for bounces from user mode (stack_switch). docs/pv-abi.md
// §3.4.1, §3.4.4, §3.4.5, §3.4.19.
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/layout.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"

namespace {
// Code and stack selectors a guest names are forced to RPL 3: both guest
// kernel and user run in ring 3.
u16 fixup_guest_selector(u64 sel) {
    return static_cast<u16>(sel | 3);
}

Callback* callback_slot(Vcpu* v, unsigned type) {
    switch (type) {
    case xen::CALLBACKTYPE_event:
        return &v->event_cb;
    case xen::CALLBACKTYPE_failsafe:
        return &v->failsafe_cb;
    case xen::CALLBACKTYPE_syscall:
        return &v->syscall_cb;
    case xen::CALLBACKTYPE_syscall32:
        return &v->syscall32_cb;
    case xen::CALLBACKTYPE_sysenter:
        return &v->sysenter_cb;
    case xen::CALLBACKTYPE_nmi:
        return &v->nmi_cb;
    default:
        return nullptr;
    }
}
} // namespace

i64 hc_set_trap_table(Vcpu* v, const HypercallArgs& a) {
    u64 list = a.a[0];
    if (!list) {
        for (auto& t : v->traps)
            t = {};
        return 0;
    }
    // Entries apply one by one until the terminator (address 0); earlier
    // entries stay applied if a later one is bad, as in Xen.
    for (unsigned i = 0;; i++) {
        xen::TrapInfo ti;
        if (!read_guest(ti, list + i * sizeof ti).ok()) return hc_error(XEN_EFAULT);
        if (ti.address == 0) return 0;
        if (!xen::is_canonical(ti.address)) return hc_error(XEN_EINVAL);
        v->traps[ti.vector] = {ti.address, fixup_guest_selector(ti.cs), ti.flags};
        if (i > 256 * 16) return hc_error(XEN_EINVAL); // no terminator in sight
    }
}

i64 hc_callback_op(Vcpu* v, const HypercallArgs& a) {
    int cmd = static_cast<int>(a.a[0]);
    if (cmd == xen::CALLBACKOP_register) {
        xen::CallbackRegister reg;
        if (!read_guest(reg, a.a[1]).ok()) return hc_error(XEN_EFAULT);
        Callback* slot = callback_slot(v, reg.type);
        if (!slot) return hc_error(XEN_ENOSYS);
        if (!xen::is_canonical(reg.address)) return hc_error(XEN_EINVAL);
        // The event and NMI callbacks always mask events on entry.
        bool always_mask = reg.type == xen::CALLBACKTYPE_event || reg.type == xen::CALLBACKTYPE_nmi;
        *slot = {reg.address, always_mask || (reg.flags & xen::CALLBACKF_mask_events)};
        return 0;
    }
    if (cmd == xen::CALLBACKOP_unregister) {
        xen::CallbackUnregister unreg;
        if (!read_guest(unreg, a.a[1]).ok()) return hc_error(XEN_EFAULT);
        Callback* slot = callback_slot(v, unreg.type);
        if (!slot) return hc_error(XEN_ENOSYS);
        // Only the NMI callback may be withdrawn.
        if (unreg.type != xen::CALLBACKTYPE_nmi) return hc_error(XEN_EINVAL);
        *slot = {};
        return 0;
    }
    return hc_error(XEN_ENOSYS);
}

i64 hc_set_callbacks(Vcpu* v, const HypercallArgs& a) {
    if (!xen::is_canonical(a.a[0]) || !xen::is_canonical(a.a[1]) || !xen::is_canonical(a.a[2]))
        return hc_error(XEN_EINVAL);
    v->event_cb = {a.a[0], true};
    v->failsafe_cb = {a.a[1], false};
    v->syscall_cb = {a.a[2], false};
    return 0;
}

i64 hc_stack_switch(Vcpu* v, const HypercallArgs& a) {
    v->kernel_ss = fixup_guest_selector(a.a[0]);
    v->kernel_sp = a.a[1];
    return 0;
}
