#include "hv/traps/priv_op.hpp"

#include "hv/abi/hypercalls.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/rtc.hpp"
#include "hv/core/x86/guest_ports.hpp"
#include "hv/core/x86/priv_insn.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/traps/bounce.hpp"
#include "hv/traps/cpuid_policy.hpp"
#include "hv/traps/debugreg.hpp"
#include "hv/traps/msr.hpp"

namespace {

u64* gpr(Regs& r, unsigned idx) {
    u64* table[16] = {&r.rax, &r.rcx, &r.rdx, &r.rbx, &r.rsp, &r.rbp, &r.rsi, &r.rdi,
                      &r.r8,  &r.r9,  &r.r10, &r.r11, &r.r12, &r.r13, &r.r14, &r.r15};
    return table[idx & 15];
}

// CR4 bits a guest controls, and those it sees from the hardware.
constexpr u64 kCr4GuestBits = arch::CR4_TSD | arch::CR4_DE | arch::CR4_FSGSBASE | arch::CR4_OSXSAVE;
constexpr u64 kCr4HardwareVisible =
    arch::CR4_PAE | arch::CR4_MCE | arch::CR4_OSFXSR | arch::CR4_OSXMMEXCPT;

u64 guest_cr4(const Vcpu* v) {
    return (arch::read_cr4() & kCr4HardwareVisible) | v->cr4_guest_bits;
}

void write_guest_cr4(Vcpu* v, u64 value) {
    u64 bits = value & kCr4GuestBits;
    // Features the CPUID policy does not offer cannot be enabled.
    auto leaf7 = guest_cpuid(v, 7, 0);
    if (!(leaf7.ebx & 1)) bits &= ~arch::CR4_FSGSBASE;
    bits &= ~arch::CR4_OSXSAVE; // XSAVE is not offered
    v->cr4_guest_bits = bits;
    // FSGSBASE and TSD take real effect while this vCPU runs.
    u64 cr4 = arch::read_cr4() & ~(arch::CR4_FSGSBASE | arch::CR4_TSD);
    arch::write_cr4(cr4 | (bits & (arch::CR4_FSGSBASE | arch::CR4_TSD)));
}

// vCPL for IOPL checks: guest kernel counts as 1 (0 with the
// architectural_iopl assist), guest user as 3.
bool iopl_allows(const Vcpu* v) {
    unsigned cpl = 3;
    if (v->kernel_mode) {
        bool arch_iopl = v->domain->vm_assist & (1ull << xen::VMASST_TYPE_architectural_iopl);
        cpl = arch_iopl ? 0 : 1;
    }
    return v->iopl >= cpl;
}

struct RealCmos final : x86::CmosChip {
    u8 read(u8 reg) override { return arch::cmos_read(reg); }
    void write(u8 reg, u8 value) override { arch::cmos_write(reg, value); }
};

bool emulate_port_io(Vcpu* v, Regs& r, const x86::PrivInsn& in) {
    if (!iopl_allows(v)) return false;
    RealCmos chip;
    x86::GuestPorts ports{v->domain->cmos_index, v->domain->privileged, chip};
    u16 port = in.op == x86::PrivOp::in_imm || in.op == x86::PrivOp::out_imm
                   ? static_cast<u16>(in.imm)
                   : static_cast<u16>(r.rdx);
    bool is_in = in.op == x86::PrivOp::in_imm || in.op == x86::PrivOp::in_dx;
    if (is_in) {
        u32 value = x86::guest_port_read(ports, port, in.size);
        if (in.size == 4)
            r.rax = value; // 32-bit writes zero-extend
        else {
            u64 mask = (1ull << (in.size * 8)) - 1;
            r.rax = (r.rax & ~mask) | value;
        }
    } else {
        x86::guest_port_write(ports, port, in.size, static_cast<u32>(r.rax));
    }
    r.rip += in.length;
    return true;
}

} // namespace

usize fetch_guest_insn(const Regs& r, u8* buf, usize n) {
    usize got = 0;
    while (got < n && copy_from_guest(buf + got, r.rip + got, 1).ok())
        got++;
    return got;
}

bool emulate_privileged_op(Vcpu* v, Regs& r) {
    u8 bytes[16];
    usize n = fetch_guest_insn(r, bytes, sizeof bytes);
    x86::PrivInsn in = x86::decode_priv_insn(bytes, n);

    switch (in.op) {
    case x86::PrivOp::in_imm:
    case x86::PrivOp::in_dx:
    case x86::PrivOp::out_imm:
    case x86::PrivOp::out_dx:
        return emulate_port_io(v, r, in);
    case x86::PrivOp::cli:
    case x86::PrivOp::sti:
        // With enough IOPL these are no-ops: the virtual interrupt flag is
        // evtchn_upcall_mask, which they do not touch.
        if (!iopl_allows(v)) return false;
        r.rip += in.length;
        return true;
    default:
        break;
    }

    // Everything below is a ring-0 instruction: only guest kernel mode.
    if (!v->kernel_mode) return false;

    switch (in.op) {
    case x86::PrivOp::mov_from_cr: {
        u64 val;
        switch (in.reg) {
        case 0:
            val = (arch::read_cr0() & ~arch::CR0_TS) | (v->cr0_ts ? arch::CR0_TS : 0);
            break;
        case 2:
            val = v->cr2;
            break;
        case 3:
            val = v->kernel_l4_mfn << kPageShift;
            break;
        case 4:
            val = guest_cr4(v);
            break;
        default:
            return false;
        }
        *gpr(r, in.gpr) = val;
        break;
    }
    case x86::PrivOp::mov_to_cr: {
        u64 val = *gpr(r, in.gpr);
        switch (in.reg) {
        case 0: {
            u64 cur = (arch::read_cr0() & ~arch::CR0_TS) | (v->cr0_ts ? arch::CR0_TS : 0);
            if ((val ^ cur) & ~arch::CR0_TS) return false;
            v->cr0_ts = val & arch::CR0_TS;
            arch::write_cr0((arch::read_cr0() & ~arch::CR0_TS) | (v->cr0_ts ? arch::CR0_TS : 0));
            break;
        }
        case 2:
            v->cr2 = val;
            if (v->vcpu_info) v->vcpu_info->cr2 = val;
            break;
        case 3: {
            u64 mfn = (val & 0x000FFFFFFFFFF000ull) >> kPageShift;
            if (!page_types().get_base_pointer(mfn, v->domain->mm).ok()) return false;
            u64 old = v->kernel_l4_mfn;
            v->kernel_l4_mfn = mfn;
            arch::write_cr3(mfn << kPageShift);
            if (old) page_types().put_base_pointer(old);
            break;
        }
        case 4:
            write_guest_cr4(v, val);
            break;
        default:
            return false;
        }
        break;
    }
    case x86::PrivOp::mov_from_dr: {
        auto val = get_debugreg(v, in.reg);
        if (!val.ok()) {
            if (val.error() == XEN_ENODEV) {
                inject_trap(v, 6);
                return true;
            }
            return false;
        }
        *gpr(r, in.gpr) = *val;
        break;
    }
    case x86::PrivOp::mov_to_dr: {
        Status s = set_debugreg(v, in.reg, *gpr(r, in.gpr));
        if (!s.ok()) {
            if (s.error() == XEN_ENODEV) {
                inject_trap(v, 6);
                return true;
            }
            return false;
        }
        break;
    }
    case x86::PrivOp::rdmsr: {
        auto val = guest_rdmsr(v, static_cast<u32>(r.rcx));
        if (!val.ok()) return false;
        r.rax = static_cast<u32>(*val);
        r.rdx = *val >> 32;
        break;
    }
    case x86::PrivOp::wrmsr: {
        u64 val = (r.rdx << 32) | static_cast<u32>(r.rax);
        if (!guest_wrmsr(v, static_cast<u32>(r.rcx), val).ok()) return false;
        break;
    }
    case x86::PrivOp::cpuid: {
        auto res = guest_cpuid(v, static_cast<u32>(r.rax), static_cast<u32>(r.rcx));
        r.rax = res.eax;
        r.rbx = res.ebx;
        r.rcx = res.ecx;
        r.rdx = res.edx;
        break;
    }
    case x86::PrivOp::clts:
        v->cr0_ts = false;
        arch::write_cr0(arch::read_cr0() & ~arch::CR0_TS);
        break;
    case x86::PrivOp::wbinvd:
        // Performed only for domains that may flush caches; harmless to skip.
        break;
    case x86::PrivOp::rdtsc:
    case x86::PrivOp::rdtscp: {
        u64 tsc = arch::rdtsc();
        r.rax = static_cast<u32>(tsc);
        r.rdx = tsc >> 32;
        if (in.op == x86::PrivOp::rdtscp) r.rcx = v->id;
        break;
    }
    default:
        return false;
    }
    r.rip += in.length;
    return true;
}
