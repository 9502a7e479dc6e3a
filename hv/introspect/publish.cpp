#include "hv/introspect/publish.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/layout.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/introspect/format.hpp"
#include "hv/introspect/layout_table.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/multiboot.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/sched/hv_lock.hpp"
#include "hv/time/timer.hpp"

using introspect_abi::Root;

// Page-aligned in the image, so a host without hv.elf finds it by
// scanning page starts. The symbol name is what hosts look up in hv.elf.
extern "C" {
alignas(4096) __attribute__((used, visibility("default"))) Root glass_introspection_root;
}

void introspect_init() {
    Root& r = glass_introspection_root;
    memset(&r, 0, sizeof r);
    r.version = introspect_abi::kVersion;
    r.root_size = sizeof(Root);
    r.self_phys = arch::virt_to_phys(&r);
    r.direct_map_virt = HV_DIRECTMAP_START;
    r.image_virt_offset = HV_IMAGE_VIRT_OFFSET;

    const mb::BootInfo& boot = mb::boot_info();
    for (unsigned i = 0; i < boot.nr_ram && i < introspect_abi::kMaxRamRanges; i++)
        r.ram[r.nr_ram_ranges++] = {boot.ram[i].start, boot.ram[i].end};

    mm::FrameTable& ft = frame_table();
    r.frame_table_phys = arch::virt_to_phys(&ft[0]);
    r.nr_frames = ft.size();
    r.frame_info_size = sizeof(mm::FrameInfo);
    // The M2P is machine-contiguous (machine_mm_init), so its first page
    // gives the whole table.
    r.m2p_phys = *arch::hv_leaf_pte(xen::MACH2PHYS_VIRT_START) & arch::PTE_ADDR_MASK;

    unsigned max_domains = 0;
    r.domain_registry_phys = arch::virt_to_phys(domain_registry(max_domains));
    r.max_domains = max_domains;
    r.hv_lock_phys = arch::virt_to_phys(hv_lock_word());
    r.nr_fields = introspect_fill_layout(r.fields, introspect_abi::kMaxFields);

    r.checksum = introspect_abi::root_checksum(r);
    // The magic last: a reader that sees it sees a complete root.
    __atomic_store_n(&r.magic, introspect_abi::kRootMagic, __ATOMIC_RELEASE);
    LOG_INFO("introspection root at %lx: %u fields, %lu frames", r.self_phys, r.nr_fields,
             r.nr_frames);
}

namespace {

// The hypervisor's system time for host readers, who have no clock of its
// own: runstate times are accounted when a state ends, so a reader adds the
// current state's time up to this. Refreshed by a timer on the boot CPU.
constexpr u64 kClockPeriodNs = 10000000;
hvtime::Timer g_clock_timer;

void clock_tick(hvtime::Timer* t, u64 now) {
    __atomic_store_n(&g_introspect_clock.now_ns, now, __ATOMIC_RELEASE);
    timer_arm(t, now + kClockPeriodNs);
}

} // namespace

IntrospectClock g_introspect_clock;

void introspect_clock_start() {
    g_clock_timer.fn = clock_tick;
    clock_tick(&g_clock_timer, arch::now_ns());
}

void introspect_generation_begin() {
    __atomic_fetch_add(&glass_introspection_root.generation, 1, __ATOMIC_RELEASE);
}

void introspect_generation_end() {
    __atomic_fetch_add(&glass_introspection_root.generation, 1, __ATOMIC_RELEASE);
}
