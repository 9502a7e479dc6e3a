// `glass`: the command-line front end. Each verb is a thin layer over one
// library (inspect: introspect/, trace: traces/); the libraries know nothing
// of this file. A new verb is one line in kVerbs.
#include "gdbstub/cli/ctl_main.hpp"
#include "gdbstub/cli/inject_main.hpp"
#include "introspect/cli/commands.hpp"
#include "introspect/cli/options.hpp"
#include "traces/cli/trace_main.hpp"
#include "traces/replay/cli/replay_main.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace glass {

int fail(const std::string& why) {
    std::fprintf(stderr, "glass inspect: %s\n", why.c_str());
    return 1;
}

std::optional<unsigned long long> parse_number(const std::string& s) {
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 0);
    if (s.empty() || *end) return std::nullopt;
    return v;
}

namespace {

struct Command {
    const char* name;
    unsigned nargs; // positional arguments after the name
    int (*run)(const Target&, const InspectOptions&);
};

const Command kCommands[] = {
    {"domains", 0, cmd_domains}, {"frames", 0, cmd_frames}, {"walk", 2, cmd_walk},
    {"reverse", 1, cmd_reverse}, {"evtchn", 1, cmd_evtchn}, {"diff", 0, cmd_diff},
    {"grants", 1, cmd_grants},   {"rings", 1, cmd_rings},   {"sched", 0, cmd_sched},
};

int inspect(int argc, char** argv) {
    auto opts = parse_inspect_options(argc, argv);
    if (!opts.ok()) {
        std::fprintf(stderr, "glass inspect: %s\n%s", opts.error().c_str(), kInspectUsage);
        return 2;
    }
    for (const Command& c : kCommands) {
        if (opts->args[0] != c.name) continue;
        if (opts->args.size() != c.nargs + 1) {
            std::fprintf(stderr, "glass inspect: %s takes %u argument(s)\n%s", c.name, c.nargs,
                         kInspectUsage);
            return 2;
        }
        auto target = Target::open(opts->mem_path, opts->hv_elf);
        if (!target.ok()) return fail(target.error());
        return c.run(*target, *opts);
    }
    std::fprintf(stderr, "glass inspect: unknown command '%s'\n%s", opts->args[0].c_str(),
                 kInspectUsage);
    return 2;
}

} // namespace
} // namespace glass

namespace {

// Every verb gets argv with argv[0] = the verb's name, like a program of its own.
struct Verb {
    const char* name;
    int (*run)(int argc, char** argv);
    const char* summary;
};

int run_inspect(int argc, char** argv) {
    return glass::inspect(argc - 1, argv + 1);
}

const Verb kVerbs[] = {
    {"inspect", run_inspect, "read the live hypervisor's state (glass inspect --help)"},
    {"trace", glass_trace_main,
     "trace files: info, dump, export, stats, synth (glass trace --help)"},
    {"replay", glass_replay_main,
     "replay a trace on the hypervisor's core: divergences, state at a record"},
    {"inject", glass_inject_main, "fault injection: arm, list, cancel (glass inject --help)"},
    {"ctl", glass_ctl_main,
     "control the running hypervisor: domains, pause, unpause (glass ctl --help)"},
};

int usage() {
    std::fprintf(stderr, "usage: glass VERB ...\n");
    for (const Verb& v : kVerbs)
        std::fprintf(stderr, "  %-8s %s\n", v.name, v.summary);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    for (const Verb& v : kVerbs)
        if (std::strcmp(argv[1], v.name) == 0) return v.run(argc - 1, argv + 1);
    std::fprintf(stderr, "glass: unknown verb '%s'\n", argv[1]);
    return usage();
}
