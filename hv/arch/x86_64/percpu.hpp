// Per-CPU data at the top of each CPU's stack block (layout.hpp). Found from
// any stack pointer in the block, so entry paths need no segment register;
// the SYSCALL entry reaches the first two words through %gs (KERNEL_GS_BASE
// holds &CpuInfo while guests run, and only the hypervisor writes that MSR).
#pragma once

#include "hv/arch/x86_64/layout.hpp"
#include "hv/arch/x86_64/percpu_asm.h"
#include "hv/arch/x86_64/regs.hpp"
#include "hv/lib/types.hpp"

#include <cstddef>

struct Vcpu;

struct Tss {
    u32 reserved0;
    u64 rsp[3];
    u64 reserved1;
    u64 ist[7];
    u64 reserved2;
    u16 reserved3;
    u16 iomap_base;
} __attribute__((packed));
static_assert(sizeof(Tss) == 104);

// Layout: [ stack ... ][ guest_regs ][ rest of CpuInfo ] <- top of block.
// TSS.RSP0 = end of guest_regs, so a trap from a guest lands its hardware
// frame exactly at the tail of guest_regs and the stubs complete it.
struct CpuInfo {
    u64 pad0; // keeps the end of guest_regs 16-byte aligned, as the CPU
              // aligns RSP0 down to 16 before pushing the frame
    Regs guest_regs;
    u64 syscall_scratch_rsp; // %gs:REGS_SIZE, guest rsp during SYSCALL entry
    u64 guest_regs_end;      // %gs:REGS_SIZE+8, the rsp that SYSCALL entry loads
    u32 cpu_id;
    u32 apic_id;
    Vcpu* current;     // the vCPU whose state is in guest_regs (null: idle)
    u32 flush_pending; // another CPU asked this one to flush its TLB
    u32 idle;          // halted in the idle loop (kick it to run a vCPU)
    u64 pad1;
};
static_assert(sizeof(CpuInfo) % 16 == 0);
static_assert(sizeof(CpuInfo) == CPUINFO_SIZE);
static_assert(offsetof(CpuInfo, guest_regs) == CPUINFO_OFF_REGS);
static_assert((offsetof(CpuInfo, guest_regs) + sizeof(Regs)) % 16 == 0);
static_assert(offsetof(CpuInfo, syscall_scratch_rsp) == CPUINFO_OFF_SCRATCH);
static_assert(offsetof(CpuInfo, guest_regs_end) == CPUINFO_OFF_REGS_END);

inline CpuInfo* cpu_info() {
    u64 rsp;
    asm("mov %%rsp, %0" : "=r"(rsp));
    return reinterpret_cast<CpuInfo*>((rsp | (HV_STACK_SIZE - 1)) + 1 - sizeof(CpuInfo));
}

inline Vcpu* current_vcpu() {
    return cpu_info()->current;
}

namespace arch {

// Sets up this CPU's GDT window, TSS (with IST stacks), IDT and SYSCALL MSRs.
// stack_block: the CPU's HV_STACK_SIZE-aligned stack block.
void cpu_init(unsigned cpu_id, void* stack_block);

// Points this CPU's GDT window at a vCPU's guest descriptor frames (machine
// frame numbers; count <= 14; the rest show as empty).
void load_guest_gdt_frames(const u64* mfns, unsigned count);

} // namespace arch
