// Boot sequence of the boot CPU: console, memory, CPU tables, timer, then
// domain 0 from the first Multiboot module.
#include "hv/arch/x86_64/apic.hpp"
#include "hv/arch/x86_64/paging.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/arch/x86_64/serial.hpp"
#include "hv/arch/x86_64/smp.hpp"
#include "hv/debug/gdb_server.hpp"
#include "hv/introspect/publish.hpp"
#include "hv/kernel/cmdline.hpp"
#include "hv/kernel/dom0.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/kernel/multiboot.hpp"
#include "hv/lib/string.hpp"
#include "hv/mm/machine_mm.hpp"
#include "hv/trace/control.hpp"

extern "C" char boot_stack_block[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();
extern "C" char __bss_start[], __bss_end[];

namespace {
mb::BootInfo g_boot;
} // namespace

const mb::BootInfo& mb::boot_info() {
    return g_boot;
}

namespace {

void apply_log_level(const char* cmdline) {
    char val[16];
    if (!cmdline_option(cmdline, "loglvl", val, sizeof val)) return;
    if (!strcmp(val, "all") || !strcmp(val, "debug"))
        log_set_level(LogLevel::debug);
    else if (!strcmp(val, "info"))
        log_set_level(LogLevel::info);
    else if (!strcmp(val, "warn") || !strcmp(val, "warning"))
        log_set_level(LogLevel::warn);
    else if (!strcmp(val, "error") || !strcmp(val, "none"))
        log_set_level(LogLevel::error);
    else
        LOG_WARN("unknown loglvl '%s' (all, info, warn, error)", val);
}
// debug_fault=pf|ud|gp: fault inside the hypervisor on purpose, so the
// unexpected-exception report (vector, error code, registers, running
// domain) and the panic exit can be seen and tested.
void run_debug_fault(const char* cmdline) {
    char kind[8];
    if (!cmdline_option(cmdline, "debug_fault", kind, sizeof kind)) return;
    LOG_WARN("debug_fault=%s: faulting in the hypervisor on purpose", kind);
    if (!strcmp(kind, "pf")) {
        // Slot 258 is never mapped by the hypervisor.
        volatile u64* unmapped = reinterpret_cast<volatile u64*>(0xFFFF810000000000ull);
        (void)*unmapped;
    } else if (!strcmp(kind, "ud")) {
        asm volatile("ud2");
    } else if (!strcmp(kind, "gp")) {
        // A non-canonical address: #GP(0), not #PF.
        volatile u64* non_canonical = reinterpret_cast<volatile u64*>(0x8000000000000000ull);
        (void)*non_canonical;
    }
    LOG_WARN("debug_fault=%s: unknown kind (pf, ud, gp)", kind);
}
} // namespace

extern "C" [[noreturn]] void hv_main(u32 magic, u32 mbi) {
    arch::serial_init();
    for (auto* ctor = __init_array_start; ctor != __init_array_end; ctor++)
        (*ctor)();
    LOG_INFO("Glasshouse hypervisor starting");
    if (magic != mb::kBootloaderMagic) panic("not booted by a Multiboot loader (magic %x)", magic);

    mb::parse(mbi, g_boot);
    apply_log_level(g_boot.cmdline);
    LOG_INFO("command line: '%s'", g_boot.cmdline);
    memory_init(g_boot);
    arch::build_direct_map(machine_frames() << kPageShift, hv_frames());
    arch::cpu_init(0, boot_stack_block);
    machine_mm_init();
    introspect_init();
    arch::apic_timer_init();
    introspect_clock_start();
    arch::smp_boot_aps();
    trace::trace_init(g_boot.cmdline);
    claim_boot_frames();

    gdb_server_init(g_boot.cmdline);
    run_debug_fault(g_boot.cmdline);
    if (g_boot.nr_modules == 0) panic("no domain 0 kernel: pass it with -initrd");
    start_dom0(g_boot);
}
