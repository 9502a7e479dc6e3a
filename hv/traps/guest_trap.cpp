// Exceptions and interrupts taken while a guest ran (docs/pv-abi.md §5.2):
// emulate what the hypervisor owns, forward the rest through the guest's
// trap table.
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/debugregs.hpp"
#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/debug/gdb_server.hpp"
#include "hv/domain/domain.hpp"
#include "hv/inject/injector.hpp"
#include "hv/kernel/log.hpp"
#include "hv/mm/wpt.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/traps/bounce.hpp"
#include "hv/traps/cpuid_policy.hpp"
#include "hv/traps/priv_op.hpp"

namespace {

// UD2 followed by "xen": Xen's forced-emulation prefix. Only CPUID may
// follow it for a PV guest.
constexpr u8 kForcedEmulationPrefix[5] = {0x0F, 0x0B, 'x', 'e', 'n'};

void handle_invalid_opcode(Vcpu* v, Regs& r) {
    u8 insn[7];
    usize n = fetch_guest_insn(r, insn, sizeof insn);
    bool fep = n == 7;
    for (unsigned i = 0; fep && i < 5; i++)
        fep = insn[i] == kForcedEmulationPrefix[i];
    if (fep && insn[5] == 0x0F && insn[6] == 0xA2) {
        auto res = guest_cpuid(v, static_cast<u32>(r.rax), static_cast<u32>(r.rcx));
        r.rax = res.eax;
        r.rbx = res.ebx;
        r.rcx = res.ecx;
        r.rdx = res.edx;
        r.rip += 7;
        return;
    }
    inject_trap(v, 6);
}

// #GP raised by the IDT for "INT n" with a gate DPL below the CPL: every
// vector but 3 and 4 in the hypervisor's IDT. The vector is taken from the
// instruction, not from the error code: QEMU's TCG reports n*16+2 instead
// of n*8+2 (docs/pv-abi.md §7.0), and the instruction is right on both.
bool handle_software_interrupt(Vcpu* v, Regs& r) {
    u8 insn[2];
    if (fetch_guest_insn(r, insn, 2) != 2 || insn[0] != 0xCD) return false;
    unsigned vector = insn[1];
    const VirtualTrap& t = v->traps[vector];
    unsigned dpl = t.flags & xen::kTrapFlagDplMask;
    bool allowed = t.address && (v->kernel_mode ? dpl >= 1 : dpl >= 3);
    if (allowed) {
        r.rip += 2;
        inject_trap(v, vector);
    } else {
        inject_trap_error(v, 13, (vector << 3) | 2);
    }
    return true;
}

void handle_general_protection(Vcpu* v, Regs& r) {
    if ((r.error_code & 7) == 2 && handle_software_interrupt(v, r)) return;
    if (r.error_code == 0 && emulate_privileged_op(v, r)) return;
    inject_trap_error(v, 13, r.error_code);
}

void handle_page_fault(Vcpu* v, Regs& r) {
    u64 cr2 = arch::read_cr2();
    // Writable page tables: a kernel store to its own L1 is applied here.
    if (wpt_emulate(v, r, cr2)) return;
    // Everything runs at CPL 3, so the hardware always reports U; the guest
    // must see U only for faults in guest user mode.
    u32 ec = r.error_code & ~4u;
    if (!v->kernel_mode) ec |= 4;
    if (injector_page_fault(v)) return; // an injected exception goes first (issue 11)
    inject_page_fault(v, cr2, ec);
}

void handle_debug(Vcpu* v) {
    u64 dr6 = arch::read_dr6();
    arch::write_dr(6, 0xffff0ff0);
    // Sticky status bits accumulate in the guest's virtual DR6.
    v->dr6 = (v->dr6 & ~0xFull) | (dr6 & 0xF) | (dr6 & (1ull << 14)) | 0xffff0ff0;
    inject_trap(v, 1);
}

} // namespace

// Returns non-zero when the trap was handled without the hypervisor lock
// and the same guest context resumes directly (entry.S); otherwise the lock
// is held and the exit goes through the scheduler.
extern "C" int hv_guest_trap(Regs* frame) {
    CpuInfo* ci = cpu_info();
    unsigned vec = frame->entry_vector;
    if (vec == arch::kFlushVector) {
        arch::service_tlb_flush();
        arch::apic_eoi();
        return 1;
    }
    hv_lock_acquire();
    // Traps on an IST stack (#DB, NMI, #MC, #DF) carry their frame there.
    if (frame != &ci->guest_regs) ci->guest_regs = *frame;
    Regs& r = ci->guest_regs;
    Vcpu* v = ci->current;
    if (!v) panic("trap %u from guest context with no current vCPU", r.entry_vector);

    if (vec >= 32) {
        if (vec == arch::kTimerVector) {
            arch::apic_timer_interrupt();
            scheduler_tick();
        } else if (is_debug_serial_vector(vec)) {
            debug_serial_interrupt(vec);
        } else if (vec != arch::kSpuriousVector) {
            arch::apic_eoi(); // a kick: the exit path delivers what is pending
        }
        return 0;
    }
    // A fault injection's rip trigger (issue 11), then a debugger's
    // breakpoint, step or watchpoint: the guest never sees them.
    if (vec == 3 && injector_breakpoint(v, r)) return 0;
    if ((vec == 1 || vec == 3) && gdb_guest_trap(v, r, vec)) return 0;
    switch (vec) {
    case 1:
        handle_debug(v);
        break;
    case 2:
        LOG_WARN("NMI while d%uv%u ran", v->domain->id, v->id);
        break;
    case 6:
        handle_invalid_opcode(v, r);
        break;
    case 7:
        // Raised only while the guest has its virtual CR0.TS set.
        v->cr0_ts = false;
        arch::write_cr0(arch::read_cr0() & ~arch::CR0_TS);
        inject_trap(v, 7);
        break;
    case 13:
        handle_general_protection(v, r);
        break;
    case 14:
        handle_page_fault(v, r);
        break;
    case 8:
    case 18:
        panic("%s while d%uv%u ran", vec == 8 ? "double fault" : "machine check", v->domain->id,
              v->id);
    default:
        if (vector_has_error_code(vec))
            inject_trap_error(v, vec, r.error_code);
        else
            inject_trap(v, vec);
        break;
    }
    return 0;
}
