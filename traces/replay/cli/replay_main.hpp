// `glass replay`: replays a trace on the host and reports the first
// divergence or the state at a record. Mounted by the top-level `glass`
// tool; the work is the replay library's (traces/replay/replay.hpp).
#pragma once

#include <ostream>
#include <string>
#include <vector>

// argv[0] is "replay". Exit status: 0 replayed clean, 1 a divergence or an
// unreadable/damaged file (what could be replayed is still reported, the
// damage named with its byte offset), 2 bad arguments.
int glass_replay_main(int argc, char** argv);

namespace glass::replay::cli {

// The same with the arguments after "replay", writing to the given streams.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace glass::replay::cli
