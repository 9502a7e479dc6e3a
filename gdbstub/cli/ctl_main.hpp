// `glass ctl`: control a running Glasshouse through its control port
// (control=com3) with the host client (gdbstub/client). The top-level
// `glass` tool mounts glass_ctl_main as its `ctl` verb.
#pragma once

#include <ostream>
#include <string>
#include <vector>

// argv[0] is the verb's name. Returns 0 on success, 1 when the hypervisor
// refused or could not be reached, 2 for bad arguments.
int glass_ctl_main(int argc, char** argv);

namespace glass::ctl {

// The same with the arguments after the verb, writing to the given streams.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// --connect's default: $GLASSHOUSE_CONTROL, else 127.0.0.1:1235.
std::string default_endpoint();

} // namespace glass::ctl
