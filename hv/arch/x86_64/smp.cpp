#include "hv/arch/x86_64/smp.hpp"

#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/arch/x86_64/smp_asm.h"
#include "hv/core/acpi/madt.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/sched/schedule.hpp"

extern "C" const char ap_trampoline_start[], ap_trampoline_end[], ap_mailbox[];

namespace arch {

[[noreturn]] void ap_main();

namespace {

struct Mailbox {
    u64 cr3, stack, entry;
};

unsigned g_online = 1;
volatile u32 g_ap_started; // cpu id of the AP that last checked in

bool read_phys(void*, u64 pa, void* dst, usize len) {
    if (pa + len > (4ull << 30) || pa + len < pa) return false;
    memcpy(dst, phys_to_virt(pa), len);
    return true;
}

// A page table for the switch to long mode: identity map of the first
// 2 MiB (the trampoline) plus the hypervisor's slots, all below 4 GiB so a
// 32-bit CR3 load can reach it.
u64 build_bootstrap_l4() {
    auto l4 = alloc_hv_frames(3);
    if (!l4.ok() || (*l4 + 3) > (1ull << 20)) panic("no low memory for the AP page table");
    u64* t4 = static_cast<u64*>(map_frame(*l4));
    u64* t3 = static_cast<u64*>(map_frame(*l4 + 1));
    u64* t2 = static_cast<u64*>(map_frame(*l4 + 2));
    t2[0] = 0 | PTE_P | PTE_RW | PTE_PS;
    t3[0] = ((*l4 + 2) << kPageShift) | PTE_P | PTE_RW;
    t4[0] = ((*l4 + 1) << kPageShift) | PTE_P | PTE_RW;
    const u64* hv = hypervisor_l4_slots();
    for (unsigned i = 0; i < 16; i++)
        t4[256 + i] = hv[i];
    return *l4 << kPageShift;
}

void wait_us(u64 us) {
    u64 end = rdtsc() + tsc_hz() / 1000000 * us;
    while (rdtsc() < end)
        pause();
}

bool start_ap(unsigned cpu_id, u32 apic_id, u64 bootstrap_cr3) {
    auto block = alloc_hv_frames(HV_STACK_SIZE / kPageSize, HV_STACK_SIZE / kPageSize);
    if (!block.ok()) return false;
    u8* stack_block = static_cast<u8*>(map_frame(*block));
    auto* ci = reinterpret_cast<CpuInfo*>(stack_block + HV_STACK_SIZE - sizeof(CpuInfo));
    ci->cpu_id = cpu_id;
    ci->apic_id = apic_id;

    auto* mbox = phys_to_virt<Mailbox>(AP_TRAMPOLINE_BASE + (ap_mailbox - ap_trampoline_start));
    mbox->cr3 = bootstrap_cr3;
    // As if ap_main had been called: rsp + 8 is 16-byte aligned.
    mbox->stack = reinterpret_cast<u64>(ci) - 8;
    mbox->entry = reinterpret_cast<u64>(&ap_main);
    g_ap_started = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    apic_send_init(apic_id);
    wait_us(10000);
    for (int i = 0; i < 2 && g_ap_started != cpu_id; i++) {
        apic_send_startup(apic_id, AP_TRAMPOLINE_BASE >> 12);
        for (int t = 0; t < 2000 && g_ap_started != cpu_id; t++)
            wait_us(100);
    }
    return g_ap_started == cpu_id;
}

} // namespace

unsigned cpus_online() {
    return g_online;
}

// First C++ code on an AP, on its own stack in the hypervisor's mapping.
[[noreturn]] void ap_main() {
    write_cr3(hv_l4_phys());
    CpuInfo* ci = cpu_info();
    void* block = reinterpret_cast<u8*>(ci) + sizeof(CpuInfo) - HV_STACK_SIZE;
    unsigned id = ci->cpu_id;
    u32 apic_id = ci->apic_id;
    cpu_init(id, block);
    apic_init_ap();
    LOG_INFO("CPU %u (APIC id %u) online", id, apic_id);
    __atomic_store_n(&g_ap_started, id, __ATOMIC_RELEASE);
    // Join the scheduler: idle until a vCPU is runnable.
    exit_to_guest();
}

unsigned smp_boot_aps() {
    auto rsdp = acpi::find_rsdp(read_phys, nullptr, 0xE0000, 0x100000);
    if (!rsdp.ok()) {
        u16 ebda_seg = *phys_to_virt<u16>(0x40E);
        rsdp = acpi::find_rsdp(read_phys, nullptr, u64{ebda_seg} << 4, (u64{ebda_seg} << 4) + 1024);
    }
    if (!rsdp.ok()) {
        LOG_WARN("no ACPI RSDP: running on the boot CPU only");
        return g_online;
    }
    auto cpus = acpi::read_cpus(read_phys, nullptr, *rsdp);
    if (!cpus.ok()) {
        LOG_WARN("ACPI MADT unusable (%s): running on the boot CPU only",
                 xen_errno_name(cpus.error()));
        return g_online;
    }
    usize blob = static_cast<usize>(ap_trampoline_end - ap_trampoline_start);
    memcpy(phys_to_virt(AP_TRAMPOLINE_BASE), ap_trampoline_start, blob);
    u64 cr3 = build_bootstrap_l4();
    u32 bsp = apic_id();
    for (unsigned i = 0; i < cpus->count; i++) {
        if (cpus->apic_ids[i] == bsp) continue;
        if (start_ap(g_online, cpus->apic_ids[i], cr3))
            g_online++;
        else
            LOG_WARN("CPU with APIC id %u did not start", cpus->apic_ids[i]);
    }
    LOG_INFO("%u CPU(s) online", g_online);
    return g_online;
}

} // namespace arch
