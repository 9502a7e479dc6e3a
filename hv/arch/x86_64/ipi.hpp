// Inter-processor interrupts between hypervisor CPUs: TLB shootdowns (taken
// without the hypervisor lock) and kicks (a CPU re-enters the hypervisor to
// deliver an event or pick up a newly runnable vCPU).
#pragma once

#include "hv/lib/types.hpp"

struct CpuInfo;

namespace arch {

constexpr u8 kFlushVector = 0xF1;
constexpr u8 kKickVector = 0xF2;
constexpr unsigned kMaxCpus = 64;

// Registered by cpu_init.
void register_cpu(CpuInfo* ci);
CpuInfo* cpu_by_id(unsigned id);
unsigned nr_cpus_registered();

// Flushes this CPU's TLB if another CPU asked for it; safe anywhere.
void service_tlb_flush();
// Makes every CPU in `mask` (bit per cpu id; this CPU is flushed locally)
// flush its TLB, and waits until all have.
void flush_tlbs(u64 mask);
void kick_cpu(unsigned id);

} // namespace arch
