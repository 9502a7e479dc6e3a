// SYSCALL from a guest: a hypercall from guest kernel mode, a system call
// from guest user mode (bounced to the guest kernel's syscall callback, the
// paper's fast system call path: no trip through the guest's trap table).
#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/inject/injector.hpp"
#include "hv/kernel/log.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/trace/recorder.hpp"
#include "hv/traps/bounce.hpp"

// set_timer_op lives with sched_op (hypercall/sched_op.cpp).
i64 hc_set_timer_op(Vcpu*, const HypercallArgs&);

namespace {

struct HypercallTable {
    HypercallHandler slot[kNrHypercalls];
};

// Indexed by hypercall number; empty slots answer -ENOSYS.
constexpr HypercallTable make_table() {
    HypercallTable t{};
    t.slot[xen::HC_set_trap_table] = hc_set_trap_table;
    t.slot[xen::HC_mmu_update] = hc_mmu_update;
    t.slot[xen::HC_set_gdt] = hc_set_gdt;
    t.slot[xen::HC_stack_switch] = hc_stack_switch;
    t.slot[xen::HC_set_callbacks] = hc_set_callbacks;
    t.slot[xen::HC_fpu_taskswitch] = hc_fpu_taskswitch;
    t.slot[xen::HC_sched_op_compat] = hc_sched_op_compat;
    t.slot[xen::HC_set_debugreg] = hc_set_debugreg;
    t.slot[xen::HC_get_debugreg] = hc_get_debugreg;
    t.slot[xen::HC_update_descriptor] = hc_update_descriptor;
    t.slot[xen::HC_memory_op] = hc_memory_op;
    t.slot[xen::HC_multicall] = hc_multicall;
    t.slot[xen::HC_update_va_mapping] = hc_update_va_mapping;
    t.slot[xen::HC_update_va_mapping_otherdomain] = hc_update_va_mapping_otherdomain;
    t.slot[xen::HC_set_timer_op] = hc_set_timer_op;
    t.slot[xen::HC_xen_version] = hc_xen_version;
    t.slot[xen::HC_console_io] = hc_console_io;
    t.slot[xen::HC_grant_table_op] = hc_grant_table_op;
    t.slot[xen::HC_vm_assist] = hc_vm_assist;
    t.slot[xen::HC_iret] = hc_iret;
    t.slot[xen::HC_vcpu_op] = hc_vcpu_op;
    t.slot[xen::HC_set_segment_base] = hc_set_segment_base;
    t.slot[xen::HC_mmuext_op] = hc_mmuext_op;
    t.slot[xen::HC_sched_op] = hc_sched_op;
    t.slot[xen::HC_callback_op] = hc_callback_op;
    t.slot[xen::HC_event_channel_op] = hc_event_channel_op;
    t.slot[xen::HC_physdev_op] = hc_physdev_op;
    t.slot[xen::HC_sysctl] = hc_sysctl;
    t.slot[xen::HC_platform_op] = hc_platform_op;
    t.slot[xen::HC_domctl] = hc_domctl;
    return t;
}

constexpr HypercallTable kTable = make_table();

void user_syscall(Vcpu* v, Regs& r, bool compat) {
    const Callback& cb = compat ? v->syscall32_cb : v->syscall_cb;
    if (!cb.address) {
        // No callback: #UD at the SYSCALL instruction.
        r.rip -= 2;
        inject_trap(v, 6);
        return;
    }
    // The bounce frame's rcx/r11 slots hold what SYSCALL put there (return
    // rip and rflags), which r.rcx/r.r11 still are.
    bounce_to(v, r, cb.address, cb.mask_events, false, 0);
}

i64 dispatch(Vcpu* v, u64 nr, const HypercallArgs& args) {
    if (nr >= kNrHypercalls || !kTable.slot[nr]) return hc_error(XEN_ENOSYS);
    i64 injected;
    if (injector_hypercall(v, nr, args, injected)) return injected; // fault injection (issue 11)
    return kTable.slot[nr](v, args);
}

// Recording: the call between its entry and exit records (hv/trace).
[[gnu::noinline]] i64 dispatch_recorded(Vcpu* v, u64 nr, const HypercallArgs& args) {
    trace::hypercall_entry(v, nr, args.a, 5);
    i64 rc = dispatch(v, nr, args);
    trace::hypercall_exit(v, nr, rc);
    return rc;
}

} // namespace

i64 do_hypercall(Vcpu* v, u64 nr, const HypercallArgs& args) {
    // One test when not recording, and the handler stays a tail call.
    if (trace::recording()) return dispatch_recorded(v, nr, args);
    return dispatch(v, nr, args);
}

extern "C" void hv_syscall(Regs* frame) {
    hv_lock_acquire(); // released on the way out (prepare_guest_return)
    CpuInfo* ci = cpu_info();
    Vcpu* v = ci->current;
    Regs& r = *frame; // == ci->guest_regs
    if (!v) panic("SYSCALL with no current vCPU");
    if (!v->kernel_mode) {
        user_syscall(v, r, r.entry_vector == kEntrySyscall32);
        return;
    }
    // SYSCALL put the return rip/rflags in rcx/r11 (and the frame); the
    // hypercall stub saved the guest's own rcx/r11 and restores them.
    HypercallArgs args{{r.rdi, r.rsi, r.rdx, r.r10, r.r8}};
    v->regs_replaced = false;
    i64 ret = do_hypercall(v, r.rax, args);
    if (!v->regs_replaced) r.rax = static_cast<u64>(ret);
}
