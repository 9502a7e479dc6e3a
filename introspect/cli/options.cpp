#include "introspect/cli/options.hpp"

#include "introspect/cli/commands.hpp"

#include <cstdlib>

namespace glass {

const char* const kInspectUsage =
    "usage: glass inspect [--mem FILE] [--hv-elf hv.elf] [--json] COMMAND\n"
    "  domains                         domains, vCPUs, registers, runstate\n"
    "  frames [--type T] [--domain N] [--pinned] [--list]\n"
    "                                  frame counts per type (T: free xen io ram l1 l2 l3\n"
    "                                  l4 seg writable), --list prints the frames\n"
    "  walk DOM VA [--vcpu N] [--user] page-table walk of VA in domain DOM\n"
    "  reverse MFN                     page-table entries that map frame MFN\n"
    "  evtchn DOM                      event channels of domain DOM\n"
    "  diff [--interval MS]            what changes over MS milliseconds\n"
    "  grants DOM                      grant entries, who pins them, mappings DOM holds\n"
    "  rings DOM                       console, store and block rings of DOM\n"
    "  sched                           scheduler statistics per domain and vCPU\n"
    "--mem defaults to $GLASS_MEM or /dev/shm/glasshouse.ram; --hv-elf to $GLASS_HV_ELF\n"
    "(without it the root is found by scanning RAM).\n";

Outcome<InspectOptions> parse_inspect_options(int argc, char** argv) {
    using R = Outcome<InspectOptions>;
    InspectOptions o;
    const char* env_mem = std::getenv("GLASS_MEM");
    const char* env_elf = std::getenv("GLASS_HV_ELF");
    o.mem_path = env_mem ? env_mem : "/dev/shm/glasshouse.ram";
    o.hv_elf = env_elf ? env_elf : "";
    for (int i = 0; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](const char* what) -> std::optional<std::string> {
            if (i + 1 >= argc) return std::nullopt;
            (void)what;
            return std::string(argv[++i]);
        };
        if (a == "--json") {
            o.json = true;
        } else if (a == "--pinned") {
            o.pinned = true;
        } else if (a == "--list") {
            o.list = true;
        } else if (a == "--user") {
            o.user = true;
        } else if (a == "--mem" || a == "--hv-elf" || a == "--type" || a == "--domain" ||
                   a == "--vcpu" || a == "--interval") {
            auto v = value(a.c_str());
            if (!v) return R::failure(a + " needs a value");
            if (a == "--mem") {
                o.mem_path = *v;
            } else if (a == "--hv-elf") {
                o.hv_elf = *v;
            } else if (a == "--type") {
                o.type = *v;
            } else {
                auto n = parse_number(*v);
                if (!n) return R::failure(a + " takes a number, not '" + *v + "'");
                if (a == "--domain") o.domain = static_cast<unsigned>(*n);
                if (a == "--vcpu") o.vcpu = static_cast<unsigned>(*n);
                if (a == "--interval") o.interval_ms = static_cast<unsigned>(*n);
            }
        } else if (a.size() > 1 && a[0] == '-' && a[1] == '-') {
            return R::failure("unknown option " + a);
        } else {
            o.args.push_back(a);
        }
    }
    if (o.args.empty()) return R::failure("no command given");
    return o;
}

} // namespace glass
