#include "traces/cli/args.hpp"

#include <charconv>

namespace glass::trace::cli {

std::string usage(const CommandSpec& spec) {
    std::string s = "glass trace " + spec.name;
    for (const auto& o : spec.options)
        s += " [" + o.name + (o.value.empty() ? "" : " " + o.value) + "]";
    for (const auto& p : spec.positionals)
        s += " " + p;
    return s;
}

bool Args::parse(const CommandSpec& spec, const std::vector<std::string>& args,
                 std::string& error) {
    command_ = "glass trace " + spec.name;
    for (std::size_t i = 0; i < args.size(); i++) {
        const std::string& a = args[i];
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            const OptionSpec* o = nullptr;
            for (const auto& candidate : spec.options)
                if (candidate.name == a) o = &candidate;
            if (!o) {
                std::string known;
                for (const auto& c : spec.options)
                    known += (known.empty() ? "" : ", ") + c.name;
                error = command_ + ": unknown option '" + a + "'" +
                        (known.empty() ? " (it takes none)" : "; expected one of " + known);
                return false;
            }
            if (values_.count(a)) {
                error = command_ + ": option '" + a + "' given twice";
                return false;
            }
            if (o->value.empty()) {
                values_[a] = "";
            } else if (i + 1 >= args.size()) {
                error =
                    command_ + ": option '" + a + "' expects a value (" + o->value + ") after it";
                return false;
            } else {
                values_[a] = args[++i];
            }
            continue;
        }
        if (positionals_.size() == spec.positionals.size()) {
            error = command_ + ": unexpected argument '" + a + "'; usage: " + usage(spec);
            return false;
        }
        positionals_.push_back(a);
    }
    if (positionals_.size() < spec.positionals.size()) {
        error = command_ + ": missing " + spec.positionals[positionals_.size()] +
                "; usage: " + usage(spec);
        return false;
    }
    return true;
}

bool Args::number(const std::string& name, std::uint64_t min, std::uint64_t max, std::uint64_t& out,
                  std::string& error) const {
    auto it = values_.find(name);
    if (it == values_.end()) return true;
    const std::string& s = it->second;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty() || v < min || v > max) {
        error = command_ + ": " + name + " expects a whole number from " + std::to_string(min) +
                " to " + std::to_string(max) + ", got '" + s + "'";
        return false;
    }
    out = v;
    return true;
}

} // namespace glass::trace::cli
