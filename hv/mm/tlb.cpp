#include "hv/mm/tlb.hpp"

#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/domain/domain.hpp"

namespace {
// CPUs that may hold translations of d's page tables: those running one of
// its vCPUs now, and this one. A CPU that switched to another vCPU reloaded
// CR3, and the hypervisor does not enable global pages for guest mappings,
// so it holds nothing of d any more.
u64 cpus_running(const Domain* d) {
    u64 mask = 1ull << cpu_info()->cpu_id;
    for (unsigned id = 0; id < arch::nr_cpus_registered(); id++) {
        CpuInfo* ci = arch::cpu_by_id(id);
        if (ci && ci->current && ci->current->domain == d) mask |= 1ull << id;
    }
    return mask;
}
} // namespace

void flush_domain_tlbs(Domain* d) {
    arch::flush_tlbs(cpus_running(d));
}

void flush_domain_va(Domain* d, u64 va) {
    u64 others = cpus_running(d) & ~(1ull << cpu_info()->cpu_id);
    arch::invlpg(va);
    // One page elsewhere costs a full flush there: simpler than passing the
    // address, and rare (most PV TLB work is local).
    if (others) arch::flush_tlbs(others);
}
