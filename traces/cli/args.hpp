// Argument parsing for the `glass trace` subcommands: positional arguments
// and `--name value` options, with errors that name the subcommand, the
// argument and what was expected.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace glass::trace::cli {

struct OptionSpec {
    std::string name;  // "--domain"
    std::string value; // "N" for the usage line; empty for a flag
    std::string help;
};

struct CommandSpec {
    std::string name;                     // "dump"
    std::vector<std::string> positionals; // "FILE", "OUT.json"
    std::vector<OptionSpec> options;
    std::string summary;
};

class Args {
  public:
    // Parses args (after the subcommand name); false and `error` on misuse.
    bool parse(const CommandSpec& spec, const std::vector<std::string>& args, std::string& error);

    const std::string& positional(std::size_t i) const { return positionals_[i]; }
    bool has(const std::string& name) const { return values_.count(name) != 0; }
    const std::string& value(const std::string& name) const { return values_.at(name); }
    // The option's value as an integer in [min, max]; false and `error` if
    // it is not one. Leaves `out` alone when the option is absent.
    bool number(const std::string& name, std::uint64_t min, std::uint64_t max, std::uint64_t& out,
                std::string& error) const;

  private:
    std::string command_;
    std::vector<std::string> positionals_;
    std::map<std::string, std::string> values_;
};

std::string usage(const CommandSpec& spec);

} // namespace glass::trace::cli
