// The `glass inspect` commands: each takes an attached target, prints a
// human table or JSON, and returns the process exit status (0 ok, 1 a
// precise error was printed to stderr).
#pragma once

#include "introspect/cli/options.hpp"
#include "introspect/lib/target.hpp"

#include <string>

namespace glass {

int cmd_domains(const Target& t, const InspectOptions& o);
int cmd_frames(const Target& t, const InspectOptions& o);
int cmd_walk(const Target& t, const InspectOptions& o);
int cmd_reverse(const Target& t, const InspectOptions& o);
int cmd_evtchn(const Target& t, const InspectOptions& o);
int cmd_diff(const Target& t, const InspectOptions& o);
int cmd_grants(const Target& t, const InspectOptions& o);
int cmd_rings(const Target& t, const InspectOptions& o);
int cmd_sched(const Target& t, const InspectOptions& o);

// Prints "glass inspect: <why>" to stderr and returns 1.
int fail(const std::string& why);
// "0x1f" / "31" -> value; nullopt when not a number.
std::optional<unsigned long long> parse_number(const std::string& s);

} // namespace glass
