// The guest kernel's C++ entry: boot checks, a report of what the domain
// builder gave us, the boot options, then shutdown. Every line starts with
// "Glasshouse guest:" so tests can find them in the hypervisor's console log.
#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/balloon/driver.hpp"
#include "guest/bench.hpp"
#include "guest/blk/backend.hpp"
#include "guest/blk/frontend.hpp"
#include "guest/cmdline.hpp"
#include "guest/console.hpp"
#include "guest/console_ring.hpp"
#include "guest/domid.hpp"
#include "guest/faults.hpp"
#include "guest/heartbeat.hpp"
#include "guest/inject_observer.hpp"
#include "guest/mmbench.hpp"
#include "guest/mmtest.hpp"
#include "guest/probes.hpp"
#include "guest/rtc_probe.hpp"
#include "guest/shared_info.hpp"
#include "guest/shutdown.hpp"
#include "guest/timer.hpp"
#include "guest/traps.hpp"
#include "guest/wpt.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/xen.hpp"
#include "hv/lib/format.hpp"
#include "hv/lib/string.hpp"

namespace guest {
namespace {

constexpr char kStartInfoMagic[] = "xen-3.0-x86_64";
constexpr u64 kInvalidMfn = ~0ull;
constexpr unsigned char kHypercallPageFill = 0xc3; // head.S fills it with `ret`

const char* errno_name(long rc) {
    return xen_errno_name(static_cast<XenErrno>(-rc));
}

// If the builder skipped the hypercall page, every stub is a bare `ret` and
// printk would silently print nothing. Say so with raw SYSCALLs instead.
void check_hypercall_page() {
    if (hypercall_page[0] != kHypercallPageFill) return;
    static const char msg[] = "Glasshouse guest: hypercall page was not written, stopping\n";
    raw_hypercall3(xen::HC_console_io, xen::CONSOLEIO_write, sizeof(msg) - 1,
                   reinterpret_cast<u64>(msg));
    xen::SchedShutdown arg{xen::SHUTDOWN_crash};
    raw_hypercall3(xen::HC_sched_op, xen::SCHEDOP_shutdown, reinterpret_cast<u64>(&arg), 0);
    for (;;) {
    }
}

void print_hypercall_page() {
    // Stub 0 (set_trap_table) shows which instruction sequence we were given.
    char hex[3 * 14 + 1];
    usize len = 0;
    for (unsigned i = 0; i < 14; i++)
        len += format(hex + len, sizeof(hex) - len, i ? " %02x" : "%02x", hypercall_page[i]);
    printk("Glasshouse guest: hypercall page written (stub 0: %s)\n", hex);
}

void print_banner() {
    long domid = discover_domid();
    if (domid >= 0) {
        printk("Glasshouse guest: hello from domain %ld\n", domid);
    } else {
        printk("Glasshouse guest: hello from domain ?\n");
        printk("Glasshouse guest: event channel domid probe failed: %ld (%s)\n", domid,
               errno_name(domid));
    }
}

void check_magic(const xen::StartInfo& si) {
    if (memcmp(si.magic, kStartInfoMagic, sizeof(kStartInfoMagic) - 1) == 0) {
        printk("Glasshouse guest: start_info magic '%s' ok\n", si.magic);
        return;
    }
    char magic[sizeof(si.magic) + 1];
    memcpy(magic, si.magic, sizeof(si.magic));
    magic[sizeof(si.magic)] = '\0';
    printk("Glasshouse guest: bad start_info magic '%s', expected '%s...'\n", magic,
           kStartInfoMagic);
    shutdown(xen::SHUTDOWN_crash);
}

void print_start_info(const xen::StartInfo& si) {
    printk("Glasshouse guest: start_info at %p nr_pages %lu flags 0x%x privileged %s "
           "initdomain %s\n",
           &si, si.nr_pages, si.flags, (si.flags & xen::SIF_PRIVILEGED) ? "yes" : "no",
           (si.flags & xen::SIF_INITDOMAIN) ? "yes" : "no");
    printk("Glasshouse guest: cmd_line '%s'\n", si.cmd_line);
    printk("Glasshouse guest: pt_base %p nr_pt_frames %lu mfn_list %p shared_info maddr 0x%lx\n",
           reinterpret_cast<void*>(si.pt_base), si.nr_pt_frames,
           reinterpret_cast<void*>(si.mfn_list), si.shared_info);
}

// The p2m must be mapped and cover every page: read its first and last
// entries (a fault here, with no trap table yet, crashes the domain).
void check_mfn_list(const xen::StartInfo& si) {
    const auto* p2m = reinterpret_cast<const volatile u64*>(si.mfn_list);
    if (si.nr_pages == 0 || !p2m) {
        printk("Glasshouse guest: no mfn_list (nr_pages %lu)\n", si.nr_pages);
        shutdown(xen::SHUTDOWN_crash);
    }
    u64 first = p2m[0];
    u64 last = p2m[si.nr_pages - 1];
    bool valid = first != kInvalidMfn && last != kInvalidMfn;
    printk("Glasshouse guest: mfn_list readable: p2m[0] 0x%lx p2m[%lu] 0x%lx%s\n", first,
           si.nr_pages - 1, last, valid ? "" : " (INVALID)");
}

void map_shared_info_page(const xen::StartInfo& si) {
    long rc = map_shared_info(si);
    if (rc < 0) {
        printk("Glasshouse guest: mapping shared_info failed: %ld (%s)\n", rc, errno_name(rc));
        return;
    }
    printk("Glasshouse guest: shared_info mapped at %p (vcpu0 upcall mask %u)\n", shared_info(),
           shared_info()->vcpu_info[0].evtchn_upcall_mask);
}

void print_options(const BootOptions& options) {
    printk("Glasshouse guest: options shutdown=%s traps=%s fault=%s\n",
           shutdown_reason_name(options.shutdown), options.traps ? "yes" : "no",
           fault_name(options.fault));
}

} // namespace
} // namespace guest

extern "C" [[noreturn]] void kmain(const xen::StartInfo* start_info) {
    using namespace guest;
    check_hypercall_page();
    console_ring_init(*start_info);
    print_banner();
    const xen::StartInfo& si = *start_info;
    check_magic(si);
    print_start_info(si);
    check_mfn_list(si);
    print_hypercall_page();
    map_shared_info_page(si);

    BootOptions options = parse_cmdline(si.cmd_line);
    print_options(options);
    if (options.traps) {
        long rc = install_trap_table();
        if (rc < 0) {
            printk("Glasshouse guest: set_trap_table failed: %ld (%s)\n", rc, errno_name(rc));
            shutdown(xen::SHUTDOWN_crash);
        }
        printk("Glasshouse guest: trap table registered (vectors 0-%u)\n", kHandledVectors - 1);
    }
    if (options.timer && !run_timer_test()) shutdown(xen::SHUTDOWN_crash);
    if (options.rtc && !run_rtc_probe(si)) shutdown(xen::SHUTDOWN_crash);
    if (!run_cpu_tests(options.cpu)) shutdown(xen::SHUTDOWN_crash);
    if (options.wpt && !run_wpt_test(si)) shutdown(xen::SHUTDOWN_crash);
    if (options.scenario.blk_backend) blk::blkback_init(si);
    if (options.scenario.count || options.scenario.churn_count) run_scenario(options.scenario);
    // After any domUs: the M2P check then also covers frames they gave back.
    if (options.mmtest && !run_mmtest(si)) shutdown(xen::SHUTDOWN_crash);
    if (options.mmbench) run_mmbench(si);
    if ((options.blk.blocks || options.blk.bench_reqs) && !blk::run_blk_frontend(si, options.blk))
        shutdown(xen::SHUTDOWN_crash);
    if (options.balloon && !balloon::run_balloon_driver(si)) shutdown(xen::SHUTDOWN_crash);
    if (options.beat_ms) run_heartbeat(options.beat_ms);
    run_probes(si, options.probe); // returns only when none is set
    if (options.inject_ms) run_inject_observer(si, options.inject_ms);
    if (options.spin) {
        printk("Glasshouse guest: spinning\n");
        // No `pause`: under TCG it ends the translation block each time,
        // which makes a hog run at a few MIPS under -icount.
        for (;;)
            asm volatile("" ::: "memory");
    }
    if (options.fault != Fault::none) {
        provoke_fault(options.fault);
        printk("Glasshouse guest: recovered from fault=%s\n", fault_name(options.fault));
    }
    shutdown(options.shutdown);
}
