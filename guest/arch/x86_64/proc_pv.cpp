// guest/proc_arch.hpp for the PV kernel (docs/pv-abi.md §4.7): processes run
// at guest user level on our own L4 (registered as the user base pointer),
// SYSCALL reaches the syscall callback in proc.S, and the trap table sends
// #BP, #UD, #GP and #PF to proc.S's stubs.
#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/proc_arch.hpp"
#include "guest/shared_info.hpp"
#include "guest/traps.hpp"
#include "hv/abi/layout.hpp"
#include "hv/abi/xen.hpp"

extern "C" {
extern const u64 guest_trap_entries[guest::kHandledVectors];
void proc_syscall_entry();
void proc_trap_3();
void proc_trap_6();
void proc_trap_13();
void proc_trap_14();
}

namespace guest {
namespace {

u64 read_cr3() {
    u64 v;
    asm volatile("mov %%cr3, %0" : "=r"(v)); // emulated: machine address of our L4
    return v;
}

} // namespace

long proc_arch_init(u64 kernel_stack_top) {
    xen::MmuextOp op{};
    op.cmd = xen::MMUEXT_NEW_USER_BASEPTR;
    op.arg1 = read_cr3() >> 12;
    long rc = hypercall4<xen::HC_mmuext_op>(reinterpret_cast<u64>(&op), 1, 0, xen::DOMID_SELF);
    if (rc < 0) return rc;
    rc = hypercall2<xen::HC_stack_switch>(xen::FLAT_KERNEL_SS, kernel_stack_top);
    if (rc < 0) return rc;
    xen::CallbackRegister reg{xen::CALLBACKTYPE_syscall, 0, 0,
                              reinterpret_cast<u64>(&proc_syscall_entry)};
    rc = hypercall2<xen::HC_callback_op>(xen::CALLBACKOP_register, reinterpret_cast<u64>(&reg));
    if (rc < 0) return rc;
    static xen::TrapInfo table[kHandledVectors + 1];
    for (unsigned v = 0; v < kHandledVectors; v++) {
        u64 entry = guest_trap_entries[v];
        if (v == 3) entry = reinterpret_cast<u64>(&proc_trap_3);
        if (v == 6) entry = reinterpret_cast<u64>(&proc_trap_6);
        if (v == 13) entry = reinterpret_cast<u64>(&proc_trap_13);
        if (v == 14) entry = reinterpret_cast<u64>(&proc_trap_14);
        u8 dpl = (v == 3 || v == 4) ? 3 : 0;
        table[v] = {static_cast<u8>(v), dpl, xen::FLAT_KERNEL_CS, 0, entry};
    }
    return set_trap_table(table);
}

const char* proc_arch_setup_name() {
    return "user base pointer, stack_switch, syscall callback, trap table";
}

extern const u64 kProcUserCs = xen::FLAT_USER_CS;
extern const u64 kProcUserSs = xen::FLAT_USER_SS;

void proc_arch_switch_to(unsigned) {}

u64 proc_arch_fault_address() {
    return shared_info()->vcpu_info[0].cr2;
}

} // namespace guest
