// Exceptions and interrupts taken while the hypervisor itself ran.
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/debugregs.hpp"
#include "hv/arch/x86_64/extable.hpp"
#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/debug/gdb_server.hpp"
#include "hv/domain/domain.hpp"
#include "hv/kernel/log.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/traps/bounce.hpp"

extern "C" char iret_to_guest[];
extern "C" [[noreturn]] void exit_to_guest();

namespace {

[[noreturn]] void fatal(const Regs& r) {
    CpuInfo* ci = cpu_info();
    LOG_ERROR("unexpected exception %u in the hypervisor, error code %x", r.entry_vector,
              r.error_code);
    LOG_ERROR("  rip %016lx  cr2 %016lx  rsp %016lx  rflags %016lx", r.rip, arch::read_cr2(), r.rsp,
              r.rflags);
    LOG_ERROR("  rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx", r.rax, r.rbx, r.rcx, r.rdx);
    LOG_ERROR("  rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx", r.rsi, r.rdi, r.rbp, r.r8);
    LOG_ERROR("  r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx", r.r9, r.r10, r.r11, r.r12);
    LOG_ERROR("  r13 %016lx  r14 %016lx  r15 %016lx  cr3 %016lx", r.r13, r.r14, r.r15,
              arch::read_cr3());
    if (ci->current)
        LOG_ERROR("  running domain %u vCPU %u", ci->current->domain->id, ci->current->id);
    else
        LOG_ERROR("  no domain running (idle)");
    panic("hypervisor exception %u at %lx", r.entry_vector, r.rip);
}

// The final IRETQ to a guest faulted (non-canonical rip, bad selector): the
// guest's registers are in this fault frame, its iret frame is still intact
// in guest_regs. Deliver the fault to the guest at that context, as Xen does
// (xsa-7 expects #GP(0) at the non-canonical rip).
[[noreturn]] void guest_iret_fault(const Regs& fault) {
    CpuInfo* ci = cpu_info();
    Regs gprs = fault; // copy first: the fault frame overlaps guest_regs
    hv_lock_acquire(); // dropped before the faulting IRET
    Regs& g = ci->guest_regs;
    g.r15 = gprs.r15, g.r14 = gprs.r14, g.r13 = gprs.r13, g.r12 = gprs.r12;
    g.rbp = gprs.rbp, g.rbx = gprs.rbx, g.r11 = gprs.r11, g.r10 = gprs.r10;
    g.r9 = gprs.r9, g.r8 = gprs.r8, g.rax = gprs.rax, g.rcx = gprs.rcx;
    g.rdx = gprs.rdx, g.rsi = gprs.rsi, g.rdi = gprs.rdi;
    if (ci->current) inject_trap_error(ci->current, gprs.entry_vector, gprs.error_code);
    exit_to_guest();
}

} // namespace

extern "C" void hv_hypervisor_trap(Regs* r) {
    unsigned vec = r->entry_vector;
    // Interrupts reach the hypervisor only in the idle loop, where this CPU
    // does not hold the hypervisor lock.
    if (vec == arch::kTimerVector) {
        arch::apic_timer_interrupt();
        hv_lock_acquire();
        scheduler_tick();
        hv_lock_release();
        return;
    }
    if (vec == arch::kFlushVector) {
        arch::service_tlb_flush();
        arch::apic_eoi();
        return;
    }
    if (vec == arch::kSpuriousVector) return;
    if (is_debug_serial_vector(vec)) {
        hv_lock_acquire();
        debug_serial_interrupt(vec);
        hv_lock_release();
        return;
    }
    if (vec >= 32) {
        arch::apic_eoi();
        return;
    }
    if (vec >= 11 && vec <= 14) {
        if (u64 fixup = arch::extable_fixup(r->rip)) {
            r->rip = fixup;
            return;
        }
        if (r->rip == reinterpret_cast<u64>(iret_to_guest)) guest_iret_fault(*r);
    }
    if (vec == 1) {
        // A guest data breakpoint whose #DB was held back by MOV SS / POP SS
        // and fires on the first instruction of a hypervisor entry
        // (xsa-260, xsa-265), or guest-set DR6 bits: absorb it.
        u64 dr6 = arch::read_dr6();
        arch::write_dr(6, 0xffff0ff0);
        LOG_DEBUG("ignoring #DB in the hypervisor at %lx (dr6 %lx)", r->rip, dr6);
        return;
    }
    if (vec == 2) {
        LOG_WARN("NMI in the hypervisor at %lx", r->rip);
        return;
    }
    fatal(*r);
}
