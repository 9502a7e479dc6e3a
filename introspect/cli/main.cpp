// `glass`: the command-line front end. Today one verb, `inspect`, over the
// introspect library; the library knows nothing of this file.
#include "introspect/cli/commands.hpp"
#include "introspect/cli/options.hpp"

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

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "inspect") == 0)
        return glass::inspect(argc - 2, argv + 2);
    std::fprintf(stderr, "usage: glass inspect ...  (glass inspect --help)\n%s",
                 glass::kInspectUsage);
    return 2;
}
