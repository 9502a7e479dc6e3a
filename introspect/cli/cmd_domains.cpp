#include "introspect/cli/commands.hpp"
#include "introspect/cli/json.hpp"
#include "introspect/lib/domains.hpp"

#include <cstdio>

namespace glass {
namespace {

void print_json(const DomainsSnapshot& s) {
    Json j(stdout);
    j.begin_object();
    j.field("consistent", s.stamp.consistent).field("generation", s.stamp.generation);
    j.key("domains").begin_array();
    for (const auto& d : s.domains) {
        j.begin_object();
        j.field("id", unsigned(d.id)).field("state", d.state).field("privileged", d.privileged);
        j.field("shutdown_reason", d.shutdown_reason);
        j.field("nr_pages", d.nr_pages).field("max_pages", d.max_pages);
        j.field("memory_kib", d.nr_pages * 4).field("shared_info_mfn", d.shared_info_mfn);
        j.field("pause_count", d.pause_count).field("weight", d.weight).field("cap", d.cap);
        j.field("cmdline", d.cmdline).field("used_in_period_ns", d.used_in_period_ns);
        j.field("console_mfn", d.console_mfn).field("console_port", d.console_port);
        j.field("store_mfn", d.store_mfn).field("store_port", d.store_port);
        j.key("vcpus").begin_array();
        for (const auto& v : d.vcpus) {
            j.begin_object();
            j.field("id", v.id).field("state", v.state).field("initialised", v.initialised);
            j.field("kernel_mode", v.kernel_mode).field("kernel_l4_mfn", v.kernel_l4_mfn);
            j.field("user_l4_mfn", v.user_l4_mfn).field("cr2", v.cr2);
            j.field("vtime", v.vtime).field("run_start_ns", v.run_start_ns);
            j.key("regs").begin_object();
            for (const auto& [name, value] : v.regs)
                j.field(name.c_str(), value);
            j.end_object();
            j.key("runstate").begin_object().field("state", v.runstate);
            const char* names[] = {"running_ns", "runnable_ns", "blocked_ns", "offline_ns"};
            for (unsigned i = 0; i < 4; i++)
                j.field(names[i], v.runstate_ns[i]);
            j.end_object();
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    j.end_object();
}

void print_text(const DomainsSnapshot& s) {
    std::printf("%-4s %-9s %-4s %10s %10s %6s %5s  %s\n", "dom", "state", "priv", "mem(KiB)",
                "max(KiB)", "weight", "vcpus", "cmdline");
    for (const auto& d : s.domains)
        std::printf("%-4u %-9s %-4s %10llu %10llu %6u %5zu  %s\n", d.id, d.state.c_str(),
                    d.privileged ? "yes" : "no", (unsigned long long)d.nr_pages * 4,
                    (unsigned long long)d.max_pages * 4, d.weight, d.vcpus.size(),
                    d.cmdline.c_str());
    std::printf("\n%-4s %-5s %-9s %-9s %-4s %10s %18s %18s %12s\n", "dom", "vcpu", "state",
                "runstate", "mode", "cr3(mfn)", "rip", "rsp", "run(ms)");
    for (const auto& d : s.domains)
        for (const auto& v : d.vcpus)
            std::printf("%-4u %-5u %-9s %-9s %-4s %10llx %18llx %18llx %12.1f\n", d.id, v.id,
                        v.state.c_str(), v.runstate.c_str(), v.kernel_mode ? "kern" : "user",
                        (unsigned long long)v.l4_mfn(), (unsigned long long)v.reg("rip"),
                        (unsigned long long)v.reg("rsp"), v.runstate_ns[0] / 1e6);
    if (!s.stamp.consistent)
        std::printf("(best effort: the hypervisor kept changing state during %u reads)\n",
                    s.stamp.attempts);
}

} // namespace

int cmd_domains(const Target& t, const InspectOptions& o) {
    auto s = read_domains(t);
    if (!s.ok()) return fail(s.error());
    if (o.json)
        print_json(*s);
    else
        print_text(*s);
    return 0;
}

} // namespace glass
