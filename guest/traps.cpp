#include "guest/traps.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/arch/x86_64/trap_frame.hpp"
#include "guest/console.hpp"
#include "guest/inject_observer.hpp"
#include "guest/shared_info.hpp"
#include "guest/shutdown.hpp"
#include "hv/abi/layout.hpp"
#include "hv/abi/xen.hpp"

extern "C" const u64 guest_trap_entries[guest::kHandledVectors];

namespace guest {
namespace {

constexpr u64 kBreakpoint = 3;
constexpr u64 kOverflow = 4;
constexpr u64 kInvalidOpcode = 6;
constexpr u64 kPageFault = 14;

// Ends the boot after a page fault: the fault=pf test wants to see the
// address the hypervisor reported, which a PV guest can only read from
// vcpu_info (it cannot read the real CR2).
[[noreturn]] void report_page_fault() {
    if (xen::SharedInfo* info = shared_info())
        printk("guest: page fault address %p (vcpu_info[0].arch.cr2)\n",
               reinterpret_cast<void*>(info->vcpu_info[0].cr2));
    else
        printk("guest: page fault address unknown (shared_info not mapped)\n");
    shutdown(xen::SHUTDOWN_poweroff);
}

// The only #UD we expect is our own fault=ud: skip the 2-byte ud2.
bool skip_ud2(TrapFrame& frame) {
    auto* insn = reinterpret_cast<const u8*>(frame.rip);
    if (insn[0] != 0x0f || insn[1] != 0x0b) return false;
    frame.rip += 2;
    return true;
}

} // namespace

long install_trap_table() {
    // set_trap_table copies the list, but keep it static: the kernel stack
    // is small and the list is 336 bytes. The all-zero last entry ends it.
    static xen::TrapInfo table[kHandledVectors + 1];
    for (unsigned v = 0; v < kHandledVectors; v++) {
        // #BP and #OF get DPL 3 as on native x86, so int3/into are allowed
        // from user mode too once there is one.
        u8 dpl = (v == kBreakpoint || v == kOverflow) ? 3 : 0;
        table[v] = {static_cast<u8>(v), dpl, xen::FLAT_KERNEL_CS, 0, guest_trap_entries[v]};
    }
    return set_trap_table(table);
}

} // namespace guest

// Called by traps.S. Returning resumes the interrupted code at frame->rip.
extern "C" void guest_trap_dispatch(guest::TrapFrame* frame) {
    using namespace guest;
    if (inject_observer_trap(*frame)) return; // inject=MS reports its own
    printk("guest: trap %lu error 0x%lx at %p\n", frame->vector, frame->error,
           reinterpret_cast<void*>(frame->rip));
    switch (frame->vector) {
    case kPageFault:
        report_page_fault();
    case kBreakpoint:
    case kOverflow:
        // Traps: rip already points past the instruction.
        printk("guest: resuming at %p\n", reinterpret_cast<void*>(frame->rip));
        return;
    case kInvalidOpcode:
        if (skip_ud2(*frame)) {
            printk("guest: skipped ud2, resuming at %p\n", reinterpret_cast<void*>(frame->rip));
            return;
        }
        break;
    default:
        break;
    }
    printk("guest: unexpected trap %lu, cannot recover\n", frame->vector);
    shutdown(xen::SHUTDOWN_crash);
}
