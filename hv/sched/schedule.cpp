#include "hv/sched/schedule.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/arch/x86_64/segments.hpp"
#include "hv/domain/domain.hpp"
#include "hv/domain/guest_mode.hpp"
#include "hv/kernel/log.hpp"
#include "hv/traps/bounce.hpp"
#include "hv/traps/debugreg.hpp"

namespace {
// Round-robin over every vCPU the scheduler knows; a proportional-share
// policy replaces this with the scheduling issue.
constexpr unsigned kMaxSchedVcpus = 256;
Vcpu* g_vcpus[kMaxSchedVcpus];
unsigned g_nr_vcpus;
unsigned g_next; // rotation point
bool g_slice_expired;

bool can_run(const Vcpu* v) {
    return v->state == VcpuState::runnable || v->state == VcpuState::running;
}

bool domain_runs(const Vcpu* v) {
    return v->domain->state == DomainState::running;
}

Vcpu* pick_next(Vcpu* current) {
    if (current && can_run(current) && domain_runs(current) && !g_slice_expired) return current;
    g_slice_expired = false;
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        Vcpu* v = g_vcpus[(g_next + i) % g_nr_vcpus];
        if (can_run(v) && domain_runs(v)) {
            g_next = (g_next + i + 1) % g_nr_vcpus;
            return v;
        }
    }
    return nullptr;
}

void save_vcpu(CpuInfo* ci, Vcpu* v) {
    v->regs = ci->guest_regs;
    arch::DataSelectors s = arch::read_data_selectors();
    v->ds = s.ds, v->es = s.es, v->fs = s.fs, v->gs = s.gs;
    v->fs_base = arch::rdmsr(arch::MSR_FS_BASE);
    u64 gs = arch::rdmsr(arch::MSR_GS_BASE);
    if (v->kernel_mode)
        v->gs_base_kernel = gs;
    else
        v->gs_base_user = gs;
    if (v->state == VcpuState::running) v->state = VcpuState::runnable;
}

void load_vcpu(CpuInfo* ci, Vcpu* v) {
    ci->guest_regs = v->regs;
    arch::load_guest_gdt_frames(v->gdt_frames, v->gdt_frame_count);
    arch::load_data_selectors({v->ds, v->es, v->fs, v->gs});
    load_guest_mode_state(v); // CR3, FS and GS bases (after the selectors)
    load_debugregs(v);
    u64 cr4 = arch::read_cr4() & ~(arch::CR4_FSGSBASE | arch::CR4_TSD);
    arch::write_cr4(cr4 | (v->cr4_guest_bits & (arch::CR4_FSGSBASE | arch::CR4_TSD)));
    u64 cr0 = arch::read_cr0() & ~arch::CR0_TS;
    arch::write_cr0(cr0 | (v->cr0_ts ? arch::CR0_TS : 0));
    v->state = VcpuState::running;
}
} // namespace

void sched_add_vcpu(Vcpu* v) {
    if (g_nr_vcpus == kMaxSchedVcpus) panic("too many vCPUs");
    g_vcpus[g_nr_vcpus++] = v;
}

void sched_remove_vcpu(Vcpu* v) {
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        if (g_vcpus[i] == v) {
            g_vcpus[i] = g_vcpus[--g_nr_vcpus];
            return;
        }
    }
}

void vcpu_wake(Vcpu* v) {
    v->polling = false;
    if (v->state == VcpuState::blocked || v->state == VcpuState::offline)
        v->state = VcpuState::runnable;
}

void vcpu_block(Vcpu* v) {
    v->state = VcpuState::blocked;
}

void vcpu_poll(Vcpu* v, u64 deadline_ns) {
    v->polling = true;
    v->poll_deadline_ns = deadline_ns;
    v->state = VcpuState::blocked;
}

void vcpu_yield(Vcpu*) {
    g_slice_expired = true;
}

void scheduler_tick() {
    g_slice_expired = true;
    u64 now = arch::now_ns();
    for (unsigned i = 0; i < g_nr_vcpus; i++) {
        Vcpu* v = g_vcpus[i];
        if (v->polling && v->poll_deadline_ns && v->poll_deadline_ns <= now) vcpu_wake(v);
    }
}

extern "C" void prepare_guest_return() {
    CpuInfo* ci = cpu_info();
    for (;;) {
        Vcpu* cur = ci->current;
        Vcpu* next = pick_next(cur);
        if (!next) {
            if (cur) {
                save_vcpu(ci, cur);
                ci->current = nullptr;
            }
            arch::sti_hlt(); // an interrupt may wake a vCPU
            continue;
        }
        if (next != cur) {
            if (cur) save_vcpu(ci, cur);
            ci->current = next;
            load_vcpu(ci, next);
        }
        deliver_pending(next, ci->guest_regs);
        // Delivery can crash the domain; then pick again.
        if (can_run(next) && domain_runs(next)) return;
    }
}
