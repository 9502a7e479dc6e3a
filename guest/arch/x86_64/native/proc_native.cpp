// guest/proc_arch.hpp for the native kernel: processes run in ring 3, each
// in its own address space (paging.hpp); SYSCALL arrives at entry.S through
// MSR_LSTAR and exceptions through the IDT (cpu.cpp).
#include "guest/arch/x86_64/native/cpu.hpp"
#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/layout.h"
#include "guest/arch/x86_64/native/paging.hpp"
#include "guest/proc_arch.hpp"

namespace guest {

long proc_arch_init(u64 kernel_stack_top) {
    native::set_entry_stack(kernel_stack_top);
    return 0;
}

const char* proc_arch_setup_name() {
    return "TSS.rsp0 and SYSCALL entry stack";
}

extern const u64 kProcUserCs = NATIVE_USER_CS;
extern const u64 kProcUserSs = NATIVE_USER_DS;

void proc_arch_switch_to(unsigned slot) {
    native::write_cr3(native::address_space_cr3(slot));
}

u64 proc_arch_fault_address() {
    return native::read_cr2();
}

} // namespace guest
