#include "guest/toolstack.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/balloon/control.hpp"
#include "guest/blk/backend.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "guest/console_relay.hpp"
#include "guest/scenario.hpp"
#include "guest/shared_info.hpp"
#include "hv/abi/domctl.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/lib/string.hpp"

namespace guest {

namespace {

constexpr u32 kVirqDomExc = 3;
constexpr u64 kMaxImage = 2ull << 20;
// Domain images are read here before the hypervisor copies them.
alignas(4096) u8 g_image[kMaxImage];
// blkback: tell the block backend about each domU (guest/blk/backend.hpp).
bool g_blk_backend = false;
// consoles: show each domU's console ring on ours (guest/console_relay.hpp).
bool g_consoles = false;

// Store frames of the domUs we built (the balloon mailbox lives there).
u64 g_store_mfn[256];

const char* err(long rc) {
    return xen_errno_name(static_cast<XenErrno>(-rc));
}

const char* args_of(const char* module_string) {
    while (*module_string && *module_string != ' ')
        module_string++;
    while (*module_string == ' ')
        module_string++;
    return module_string;
}

// Returns the new domain id, or a negative errno. Left paused unless `run`.
long create_domu(const DomUSpec& spec, bool run);

long start_domu(const DomUSpec& spec) {
    return create_domu(spec, true);
}

void churn(u32 module, u32 count) {
    u64 start = system_time_ns();
    for (u32 i = 0; i < count; i++) {
        long id = create_domu({module, 16, 1}, false);
        if (id < 0) {
            printk("Glasshouse toolstack: churn %u: create failed: %s\n", i, err(id));
            return;
        }
        if (long rc = destroy_domain(static_cast<u16>(id))) {
            printk("Glasshouse toolstack: churn %u: destroy failed: %s\n", i, err(rc));
            return;
        }
    }
    u64 us = (system_time_ns() - start) / 1000;
    printk("Glasshouse toolstack: churn: %u domains created and destroyed in %lu us (%lu us "
           "each)\n",
           count, us, us / count);
}

long create_domu(const DomUSpec& spec, bool run) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_glass_boot_module;
    op.u.module.index = spec.module;
    if (long rc = domctl(op)) return rc;
    u64 size = op.u.module.size;
    char module_string[sizeof op.u.module.cmdline + 1] = {};
    memcpy(module_string, op.u.module.cmdline, sizeof op.u.module.cmdline);
    if (size > kMaxImage) return -XEN_E2BIG;

    op = {};
    op.cmd = xen::DOMCTL_glass_read_module;
    op.u.read = {spec.module, 0, 0, reinterpret_cast<u64>(g_image), size};
    if (long rc = domctl(op)) return rc;

    op = {};
    op.cmd = xen::DOMCTL_createdomain;
    op.u.create.max_vcpus = spec.vcpus;
    op.u.create.max_pages = u64{spec.mem_mib} << 8;
    op.u.create.weight = spec.weight;
    op.u.create.cap = spec.cap;
    if (long rc = domctl(op)) return rc;
    u16 domid = op.domain;

    const char* args = args_of(module_string);
    op = {};
    op.cmd = xen::DOMCTL_glass_build_pv;
    op.domain = domid;
    op.u.build.image = reinterpret_cast<u64>(g_image);
    op.u.build.image_size = size;
    op.u.build.cmdline = reinterpret_cast<u64>(args);
    if (long rc = domctl(op)) {
        destroy_domain(domid);
        return rc;
    }
    if (!run) return domid;
    g_store_mfn[domid] = op.u.build.store_mfn;
    if (g_consoles)
        if (long rc = console_relay_attach(domid, op.u.build.console_mfn,
                                           static_cast<u32>(op.u.build.console_port)))
            printk("Glasshouse toolstack: d%u: console ring not attached: %s\n", domid, err(rc));
    if (g_blk_backend) blk::blkback_domain_built(domid, static_cast<u32>(op.u.build.store_port));
    u64 console_port = op.u.build.console_port;
    auto announce = [&] {
        printk("Glasshouse toolstack: d%u built from module %u ('%s'), %u MiB, %u vCPU(s), "
               "console port %lu%s\n",
               domid, spec.module, module_string, spec.mem_mib, spec.vcpus, console_port,
               spec.paused ? ", left paused for the host" : "");
    };
    op = {};
    op.domain = domid;
    if (spec.paused) {
        // Announced once it is the host's, so a tool waiting for the line
        // never races the hand-over.
        op.cmd = xen::DOMCTL_glass_hand_to_host;
        long rc = domctl(op);
        announce();
        return rc ? rc : domid;
    }
    // Announced before it runs, so its first console line comes after.
    announce();
    op.cmd = xen::DOMCTL_unpausedomain;
    if (long rc = domctl(op)) return rc;
    return domid;
}

const char* state_name(u8 state, u8 reason) {
    if (state == xen::DOMINFO_crashed) return "crashed";
    if (state != xen::DOMINFO_shutdown) return "running";
    switch (reason) {
    case xen::SHUTDOWN_poweroff:
        return "poweroff";
    case xen::SHUTDOWN_reboot:
        return "reboot";
    case xen::SHUTDOWN_crash:
        return "crash";
    default:
        return "shutdown";
    }
}

long bind_dom_exc() {
    xen::EvtchnBindVirq bind{kVirqDomExc, 0, 0};
    long rc = event_channel_op(xen::EVTCHNOP_bind_virq, &bind);
    return rc ? rc : static_cast<long>(bind.port);
}

void clear_pending(u32 port) {
    if (xen::SharedInfo* s = shared_info())
        __atomic_fetch_and(&s->evtchn_pending[port / 64], ~(1ull << (port % 64)), __ATOMIC_SEQ_CST);
}

// Sleeps until `port` or a console we relay is pending (or `deadline`,
// 0: none), shows what the consoles hold, and clears the ports.
void poll_with_consoles(u32 port, u64 deadline) {
    u32 ports[1 + 8] = {port};
    u32 n = 1 + console_relay_ports(ports + 1, 8);
    xen::SchedPoll poll{reinterpret_cast<u64>(ports), n, 0, deadline};
    sched_op(xen::SCHEDOP_poll, &poll);
    for (u32 i = 0; i < n; i++)
        clear_pending(ports[i]);
    console_relay_pump();
}

// Sleeps until `port` is pending, then clears it.
void wait_for(u32 port) {
    poll_with_consoles(port, 0);
}

// Lets the domUs run for `ms`, then reports the CPU time each received
// (how the scheduler shared the machine) and destroys them.
void sleep_ms(u32 port, u32 ms) {
    u64 deadline = system_time_ns() + u64{ms} * 1000000;
    while (system_time_ns() < deadline) {
        // A domain exit leaves the port pending: it is cleared, or every
        // later poll would return at once and domain 0 would spin, stealing
        // the CPU from the domUs being measured.
        poll_with_consoles(port, deadline);
    }
}

u64 cpu_time_us(u16 domid) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_getdomaininfo;
    op.domain = domid;
    return domctl(op) == 0 && op.domain == domid ? op.u.info.cpu_time_ns / 1000 : 0;
}

// Pauses `domid` for a third of `ms` between two running thirds and reports
// how much CPU it used in each: nothing while paused, again after.
void pause_check(u16 domid, u32 port, u32 ms) {
    sleep_ms(port, ms / 3);
    u64 before = cpu_time_us(domid);
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_pausedomain;
    op.domain = domid;
    long rc = domctl(op);
    sleep_ms(port, ms / 3);
    u64 paused = cpu_time_us(domid);
    op.cmd = xen::DOMCTL_unpausedomain;
    rc = rc ? rc : domctl(op);
    sleep_ms(port, ms / 3);
    u64 after = cpu_time_us(domid);
    printk("Glasshouse toolstack: d%u pause check: +%lu us while paused, +%lu us after unpause "
           "(%s)\n",
           domid, paused - before, after - paused, rc ? err(rc) : "ok");
}

void measure(const u16* ids, const bool* live, unsigned n, u32 port, u32 ms) {
    sleep_ms(port, ms);
    for (unsigned i = 0; i < n; i++) {
        if (!live[i]) continue;
        xen::Domctl op{};
        op.cmd = xen::DOMCTL_getdomaininfo;
        op.domain = ids[i];
        console_relay_detach(ids[i]);
        if (domctl(op) == 0 && op.domain == ids[i])
            printk("Glasshouse toolstack: d%u got %lu us of CPU in %u ms (weight %u, cap %u)\n",
                   ids[i], op.u.info.cpu_time_ns / 1000, ms, op.u.info.weight, op.u.info.cap);
        destroy_domain(ids[i]);
    }
    printk("Glasshouse toolstack: measurement done\n");
}

} // namespace

long domctl(xen::Domctl& op) {
    op.interface_version = xen::GLASS_DOMCTL_INTERFACE_VERSION;
    return hypercall1<xen::HC_domctl>(reinterpret_cast<u64>(&op));
}

long destroy_domain(u16 domid) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_destroydomain;
    op.domain = domid;
    return domctl(op);
}

u64 domu_store_mfn(u16 domid) {
    return g_store_mfn[domid];
}

int reap_if_exited(u16 domid) {
    xen::Domctl op{};
    op.cmd = xen::DOMCTL_getdomaininfo;
    op.domain = domid;
    if (domctl(op) || op.domain != domid) return -1;
    u8 state = op.u.info.state;
    if (state != xen::DOMINFO_shutdown && state != xen::DOMINFO_crashed) return -1;
    console_relay_detach(domid); // its last words first
    printk("Glasshouse toolstack: d%u exited: %s (%lu pages, %lu us of CPU)\n", domid,
           state_name(state, op.u.info.shutdown_reason), op.u.info.nr_pages,
           op.u.info.cpu_time_ns / 1000);
    // Our mappings of its pages would keep its frames alive: drop them first.
    if (g_blk_backend) blk::blkback_domain_gone(domid);
    balloon::balloon_detach(domid);
    long rc = destroy_domain(domid);
    printk("Glasshouse toolstack: d%u destroyed: %s\n", domid, rc ? err(rc) : "ok");
    return state == xen::DOMINFO_crashed ? int{xen::SHUTDOWN_crash} : op.u.info.shutdown_reason;
}

bool parse_domu_spec(const char* text, usize len, DomUSpec& out) {
    constexpr char kPaused[] = ":paused";
    constexpr usize kPausedLen = sizeof kPaused - 1;
    bool paused =
        len > kPausedLen && __builtin_memcmp(text + len - kPausedLen, kPaused, kPausedLen) == 0;
    if (paused) len -= kPausedLen;
    u32 fields[5] = {};
    unsigned field = 0;
    bool digits = false;
    for (usize i = 0; i < len; i++) {
        char c = text[i];
        if (c == ':' && digits && field < 4) {
            field++;
            digits = false;
        } else if (c >= '0' && c <= '9' && fields[field] < 100000) {
            fields[field] = fields[field] * 10 + static_cast<u32>(c - '0');
            digits = true;
        } else {
            return false;
        }
    }
    if (field < 2 || !digits || fields[1] == 0 || fields[2] == 0) return false;
    out = {fields[0], fields[1], fields[2], fields[3], fields[4], paused};
    return true;
}

bool parse_measure_spec(const char* text, usize len, Scenario& out) {
    u32 ms = 0;
    for (usize i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9' || ms > 1000000) return false;
        ms = ms * 10 + static_cast<u32>(text[i] - '0');
    }
    out.measure_ms = ms;
    return ms != 0;
}

bool parse_churn_spec(const char* text, usize len, Scenario& out) {
    u32 v[2] = {};
    unsigned field = 0;
    for (usize i = 0; i < len; i++) {
        if (text[i] == ':' && field == 0) {
            field = 1;
        } else if (text[i] >= '0' && text[i] <= '9' && v[field] < 100000) {
            v[field] = v[field] * 10 + static_cast<u32>(text[i] - '0');
        } else {
            return false;
        }
    }
    if (field != 1 || v[1] == 0) return false;
    out.churn_module = v[0];
    out.churn_count = v[1];
    return true;
}

void run_scenario(const Scenario& s) {
    g_blk_backend = s.blk_backend;
    g_consoles = s.consoles;
    if (s.churn_count) churn(s.churn_module, s.churn_count);
    xen::DomctlCensus before{};
    if (s.orchestrate) scenario_census(before);
    long port = bind_dom_exc();
    if (port < 0) {
        printk("Glasshouse toolstack: cannot bind VIRQ_DOM_EXC: %s\n", err(port));
        return;
    }
    u16 ids[kMaxDomUs];
    bool live[kMaxDomUs] = {};
    unsigned running = 0;
    for (unsigned i = 0; i < s.count; i++) {
        long id = start_domu(s.domus[i]);
        if (id < 0) {
            printk("Glasshouse toolstack: starting module %u failed: %s\n", s.domus[i].module,
                   err(id));
            continue;
        }
        ids[i] = static_cast<u16>(id);
        live[i] = true;
        running++;
    }
    if (s.orchestrate) {
        run_scripted_scenario(ids, live, s.count, static_cast<u32>(port), before);
        return;
    }
    if (s.measure_ms) {
        if (s.pause_check && live[0]) pause_check(ids[0], static_cast<u32>(port), s.measure_ms);
        measure(ids, live, s.count, static_cast<u32>(port), s.pause_check ? 1 : s.measure_ms);
        return;
    }
    while (running) {
        if (g_blk_backend) {
            u32 cons[8];
            u32 nc = console_relay_ports(cons, 8);
            while (!blk::blkback_wait_until(static_cast<u32>(port), 0, cons, nc))
                console_relay_pump();
        } else {
            wait_for(static_cast<u32>(port));
        }
        console_relay_pump();
        for (unsigned i = 0; i < s.count; i++) {
            if (!live[i]) continue;
            if (reap_if_exited(ids[i]) < 0) continue;
            live[i] = false;
            running--;
        }
    }
    printk("Glasshouse toolstack: all domUs finished\n");
}

} // namespace guest
