// `glass inject`: arm, list and cancel fault injections in a running
// Glasshouse over the control port (gdbstub/client). User-facing words
// (names, decimal, units) are turned into the spec's text form
// (hv/core/inject/spec_text.hpp) and checked with the hypervisor's own
// parser before anything is sent, so mistakes get a precise reason.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

int glass_inject_main(int argc, char** argv);

namespace glass::inject_cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// "pf dom=1 cr2=0xdead0000 error=2" (the words after the kind) -> the wire
// spec "pf;dom=1;cr2=dead0000;error=2", or the reason it is not one.
struct Translated {
    std::string spec;
    std::string error;
};
Translated translate(const std::string& kind, const std::vector<std::string>& words);

} // namespace glass::inject_cli
