#include "hv/mm/tlb.hpp"

#include "hv/arch/x86_64/cpu.hpp"

void flush_domain_tlbs(Domain*) {
    arch::flush_tlb_local();
}
void flush_domain_va(Domain*, u64 va) {
    arch::invlpg(va);
}
