// The subcommands of `glass trace`, one per file, and what they share.
#pragma once

#include <memory>
#include <ostream>
#include <string>

#include "traces/cli/args.hpp"
#include "traces/reader.hpp"

namespace glass::trace::cli {

constexpr int kExitOk = 0;
constexpr int kExitDamaged = 1;
constexpr int kExitUsage = 2;

struct Command {
    CommandSpec spec;
    int (*run)(const Args& args, std::ostream& out, std::ostream& err);
};

extern const Command kInfo;
extern const Command kDump;
extern const Command kExport;
extern const Command kStats;
extern const Command kSynth;
extern const Command kRecord;

// Opens a trace for a command; null (with the reason on err) when nothing is
// readable. Damage found while opening is reported on err as a warning.
std::unique_ptr<Reader> open_trace(const std::string& path, std::ostream& err);

// Reports a damaged-read status after the records before it were used.
int report_damage(const std::string& path, const Status& s, std::uint64_t good_records,
                  std::ostream& err);

} // namespace glass::trace::cli
