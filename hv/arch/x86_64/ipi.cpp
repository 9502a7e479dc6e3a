#include "hv/arch/x86_64/ipi.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/percpu.hpp"

namespace arch {

namespace {
CpuInfo* g_cpus[kMaxCpus];
unsigned g_nr_cpus;
} // namespace

void register_cpu(CpuInfo* ci) {
    if (ci->cpu_id < kMaxCpus) g_cpus[ci->cpu_id] = ci;
    if (ci->cpu_id + 1 > g_nr_cpus) g_nr_cpus = ci->cpu_id + 1;
}

CpuInfo* cpu_by_id(unsigned id) {
    return id < kMaxCpus ? g_cpus[id] : nullptr;
}
unsigned nr_cpus_registered() {
    return g_nr_cpus;
}

void service_tlb_flush() {
    CpuInfo* ci = cpu_info();
    if (__atomic_load_n(&ci->flush_pending, __ATOMIC_ACQUIRE)) {
        flush_tlb_local();
        __atomic_store_n(&ci->flush_pending, 0, __ATOMIC_RELEASE);
    }
}

void flush_tlbs(u64 mask) {
    unsigned me = cpu_info()->cpu_id;
    if (mask & (1ull << me)) flush_tlb_local();
    for (unsigned id = 0; id < g_nr_cpus; id++) {
        if (id == me || !(mask & (1ull << id)) || !g_cpus[id]) continue;
        __atomic_store_n(&g_cpus[id]->flush_pending, 1, __ATOMIC_RELEASE);
        apic_send_fixed(g_cpus[id]->apic_id, kFlushVector);
    }
    // The targets answer from guest mode (the IPI), from idle (the IPI wakes
    // them) or while spinning for the hypervisor lock (they poll).
    for (unsigned id = 0; id < g_nr_cpus; id++) {
        if (id == me || !(mask & (1ull << id)) || !g_cpus[id]) continue;
        while (__atomic_load_n(&g_cpus[id]->flush_pending, __ATOMIC_ACQUIRE))
            pause();
    }
}

void kick_cpu(unsigned id) {
    if (id != cpu_info()->cpu_id && id < kMaxCpus && g_cpus[id])
        apic_send_fixed(g_cpus[id]->apic_id, kKickVector);
}

} // namespace arch
