// `glass trace`: subcommands over trace files. The top-level `glass` tool
// mounts glass_trace_main as its `trace` subcommand; `glass-trace` is the
// same entry point as a program of its own.
#pragma once

#include <ostream>
#include <string>
#include <vector>

// argv[0] is the program or subcommand name ("glass-trace", "trace"),
// argv[1] the subcommand (info, dump, export, stats, synth). Returns the exit
// status: 0 success, 1 damaged or unreadable file, 2 bad arguments.
int glass_trace_main(int argc, char** argv);

namespace glass::trace::cli {

// The same, with the subcommand first in `args`, writing to the given
// streams (for tests).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace glass::trace::cli
