// `glass inspect` options, parsed apart from the commands that use them.
#pragma once

#include "introspect/lib/outcome.hpp"

#include <optional>
#include <string>
#include <vector>

namespace glass {

struct InspectOptions {
    std::string mem_path; // QEMU's RAM file
    std::string hv_elf;   // hv.elf for the root's address; empty = scan
    bool json = false;
    std::string type; // frames --type
    std::optional<unsigned> domain;
    unsigned vcpu = 0;
    bool pinned = false; // frames --pinned
    bool list = false;   // frames --list
    bool user = false;   // walk through the user L4
    unsigned interval_ms = 1000;
    std::vector<std::string> args; // the command and its positional arguments
};

Outcome<InspectOptions> parse_inspect_options(int argc, char** argv);
extern const char* const kInspectUsage;

} // namespace glass
