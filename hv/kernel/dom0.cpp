#include "hv/kernel/dom0.hpp"

#include "hv/arch/x86_64/paging.hpp"
#include "hv/domain/domain_alloc.hpp"
#include "hv/domain/pv_builder.hpp"
#include "hv/kernel/cmdline.hpp"
#include "hv/kernel/log.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/kernel/shutdown.hpp"
#include "hv/lib/format.hpp"
#include "hv/sched/schedule.hpp"
#include "hv/trace/control.hpp"

namespace {

// "128M", "1G", "65536K", or a plain byte count. 0 if malformed.
u64 parse_size(const char* s) {
    u64 v = 0;
    if (*s < '0' || *s > '9') return 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + static_cast<u64>(*s++ - '0');
    switch (*s) {
    case 'G':
    case 'g':
        return v << 30;
    case 'M':
    case 'm':
        return v << 20;
    case 'K':
    case 'k':
        return v << 10;
    case '\0':
        return v;
    default:
        return 0;
    }
}

u64 dom0_pages(const char* hv_cmdline) {
    constexpr u64 kDefault = 128ull << 20;
    char val[32];
    u64 bytes = kDefault;
    if (cmdline_option(hv_cmdline, "dom0_mem", val, sizeof val)) {
        bytes = parse_size(val);
        if (!bytes) panic("dom0_mem=%s: expected a size such as 256M or 1G", val);
    }
    u64 pages = bytes >> kPageShift;
    // Keep some memory for the hypervisor's own later allocations.
    u64 avail = hv_frames().free_frames();
    u64 reserve = avail / 16 + 1024;
    if (pages + reserve > avail) {
        pages = avail > reserve ? avail - reserve : 0;
        LOG_WARN("dom0_mem larger than free memory: giving domain 0 %lu MiB",
                 (pages << kPageShift) >> 20);
    }
    return pages;
}

unsigned dom0_vcpus(const char* hv_cmdline) {
    char val[8];
    if (!cmdline_option(hv_cmdline, "dom0_max_vcpus", val, sizeof val)) return 2;
    unsigned n = 0;
    for (const char* p = val; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + static_cast<unsigned>(*p - '0');
    return n;
}

// dom0_initrd=N: boot module N (the kernel is 0) is domain 0's initrd, the
// role Xen gives the module after the kernel. Off by default: our own
// domain 0 takes the other modules as domU images.
const mb::BootModule* dom0_initrd(const mb::BootInfo& boot) {
    char val[8];
    if (!cmdline_option(boot.cmdline, "dom0_initrd", val, sizeof val)) return nullptr;
    unsigned n = 0;
    const char* p = val;
    for (; *p >= '0' && *p <= '9'; p++)
        n = n * 10 + static_cast<unsigned>(*p - '0');
    if (*p || p == val || n == 0 || n >= boot.nr_modules)
        panic("dom0_initrd=%s: expected a boot module number 1..%u", val,
              boot.nr_modules ? boot.nr_modules - 1 : 0);
    return &boot.modules[n];
}

// A module's string is its file name followed by its arguments; the guest
// sees only the arguments.
const char* module_arguments(const char* s) {
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

} // namespace

void start_dom0(const mb::BootInfo& boot) {
    const mb::BootModule& mod = boot.modules[0];
    Domain* d = domain_alloc(0);
    if (!d) panic("cannot allocate domain 0");
    d->hv_cmdline = boot.cmdline;

    PvBuildRequest req{arch::phys_to_virt<const u8>(mod.start),
                       mod.end - mod.start,
                       dom0_pages(boot.cmdline),
                       dom0_vcpus(boot.cmdline),
                       module_arguments(mod.cmdline),
                       true};
    LOG_INFO("dom0: '%s' (%lu bytes), %lu MiB, %u vCPUs", mod.cmdline, req.image_size,
             (req.nr_pages << kPageShift) >> 20, req.nr_vcpus);
    if (const mb::BootModule* initrd = dom0_initrd(boot)) {
        req.initrd = arch::phys_to_virt<const u8>(initrd->start);
        req.initrd_size = initrd->end - initrd->start;
        LOG_INFO("dom0: initrd '%s' (%lu bytes)", initrd->cmdline, req.initrd_size);
    }
    LoadStatus built = build_pv_domain(d, req);
    if (!built.ok()) {
        // Tests and tools match this exact prefix, whatever the log level.
        char line[256];
        usize n = format(line, sizeof line, "hv: dom0 image refused: %s (%s)\n", built.reason(),
                         xen_errno_name(built.error()));
        console_write(line, n < sizeof line ? n : sizeof line - 1);
        machine_exit(MachineExit::panic);
    }
    d->state = DomainState::running;
    trace::trace_boot_start(); // trace=on: the snapshot holds domain 0 as built
    exit_to_guest();
}
