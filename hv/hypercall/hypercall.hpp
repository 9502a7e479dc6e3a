// The hypercall table (docs/pv-abi.md §3.1, §1.11): one handler per number,
// arguments decoded from rdi, rsi, rdx, r10, r8; unknown numbers answer
// -ENOSYS from one slot. Handlers decode, check, then act, and return the
// value the guest sees in rax (0 or -errno, or a count/value).
#pragma once

#include "hv/arch/x86_64/regs.hpp"
#include "hv/domain/vcpu.hpp"
#include "hv/lib/result.hpp"

struct HypercallArgs {
    u64 a[5];
};

using HypercallHandler = i64 (*)(Vcpu* v, const HypercallArgs& args);

constexpr unsigned kNrHypercalls = 64;

// Runs hypercall nr for the current vCPU; used by the SYSCALL path and by
// multicall. Sets v->regs_replaced when the handler rewrote the guest's
// registers wholesale (iret): the caller must then not store a result.
i64 do_hypercall(Vcpu* v, u64 nr, const HypercallArgs& args);

inline i64 hc_status(Status s) {
    return s.as_hypercall_result();
}
inline i64 hc_error(XenErrno e) {
    return -static_cast<i64>(e);
}

// Handlers, one family per file.
i64 hc_console_io(Vcpu*, const HypercallArgs&);
i64 hc_xen_version(Vcpu*, const HypercallArgs&);
i64 hc_sched_op(Vcpu*, const HypercallArgs&);
i64 hc_sched_op_compat(Vcpu*, const HypercallArgs&);
i64 hc_set_trap_table(Vcpu*, const HypercallArgs&);
i64 hc_callback_op(Vcpu*, const HypercallArgs&);
i64 hc_set_callbacks(Vcpu*, const HypercallArgs&);
i64 hc_stack_switch(Vcpu*, const HypercallArgs&);
i64 hc_iret(Vcpu*, const HypercallArgs&);
i64 hc_set_segment_base(Vcpu*, const HypercallArgs&);
i64 hc_fpu_taskswitch(Vcpu*, const HypercallArgs&);
i64 hc_set_debugreg(Vcpu*, const HypercallArgs&);
i64 hc_get_debugreg(Vcpu*, const HypercallArgs&);
i64 hc_update_va_mapping(Vcpu*, const HypercallArgs&);
i64 hc_update_va_mapping_otherdomain(Vcpu*, const HypercallArgs&);
i64 hc_mmu_update(Vcpu*, const HypercallArgs&);
i64 hc_mmuext_op(Vcpu*, const HypercallArgs&);
i64 hc_set_gdt(Vcpu*, const HypercallArgs&);
i64 hc_update_descriptor(Vcpu*, const HypercallArgs&);
i64 hc_multicall(Vcpu*, const HypercallArgs&);
i64 hc_sysctl(Vcpu*, const HypercallArgs&);
i64 hc_platform_op(Vcpu*, const HypercallArgs&);
i64 hc_domctl(Vcpu*, const HypercallArgs&);
i64 hc_vm_assist(Vcpu*, const HypercallArgs&);
i64 hc_physdev_op(Vcpu*, const HypercallArgs&);
i64 hc_event_channel_op(Vcpu*, const HypercallArgs&);
i64 hc_memory_op(Vcpu*, const HypercallArgs&);
i64 hc_vcpu_op(Vcpu*, const HypercallArgs&);
i64 hc_grant_table_op(Vcpu*, const HypercallArgs&);
