#include "traces/cli/trace_main.hpp"

#include <iostream>

#include "traces/cli/commands.hpp"

namespace glass::trace::cli {

namespace {

const Command* const kCommands[] = {&kInfo, &kDump, &kExport, &kStats, &kSynth, &kRecord};

void print_usage(std::ostream& os) {
    os << "usage:\n";
    for (const Command* c : kCommands)
        os << "  " << usage(c->spec) << "\n      " << c->spec.summary << "\n";
}

} // namespace

std::unique_ptr<Reader> open_trace(const std::string& path, std::ostream& err) {
    std::string why;
    auto source = open_file_source(path, why);
    if (!source) {
        err << "glass trace: cannot open " << why << "\n";
        return nullptr;
    }
    auto reader = std::make_unique<Reader>(std::move(source));
    if (Status s = reader->open(); !s) {
        err << "glass trace: " << path << ": " << s.error().to_string() << "\n";
        return nullptr;
    }
    if (reader->damage())
        err << "glass trace: warning: " << path << ": " << reader->damage()->to_string()
            << "; recovered " << reader->record_count() << " records before it\n";
    return reader;
}

int report_damage(const std::string& path, const Status& s, std::uint64_t good_records,
                  std::ostream& err) {
    if (s) return kExitOk;
    err << "glass trace: " << path << ": " << s.error().to_string() << " (" << good_records
        << " records read before it)\n";
    return kExitDamaged;
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty() || args[0] == "--help" || args[0] == "help") {
        print_usage(args.empty() ? err : out);
        return args.empty() ? kExitUsage : kExitOk;
    }
    for (const Command* c : kCommands) {
        if (c->spec.name != args[0]) continue;
        Args parsed;
        std::string error;
        if (!parsed.parse(c->spec, {args.begin() + 1, args.end()}, error)) {
            err << error << "\n";
            return kExitUsage;
        }
        return c->run(parsed, out, err);
    }
    err << "glass trace: unknown subcommand '" << args[0]
        << "'; expected info, dump, export, stats, synth or record\n";
    return kExitUsage;
}

} // namespace glass::trace::cli

int glass_trace_main(int argc, char** argv) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    return glass::trace::cli::run(args, std::cout, std::cerr);
}
