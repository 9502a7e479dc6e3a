#include "traces/replay/cli/replay_main.hpp"

#include "traces/names.hpp"
#include "traces/replay/replay.hpp"
#include "traces/replay/scenario.hpp"
#include "traces/writer.hpp"

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

namespace glass::replay::cli {

namespace {

constexpr const char* kUsage =
    "usage: glass replay FILE [--to N] [--verify]\n"
    "       glass replay --scenario OUT [--records N] [--seed S] [--checkpoint-every N]\n"
    "  FILE              a trace (glass trace record, or --scenario)\n"
    "  --to N            replay records [0, N) and show the state there (default: all)\n"
    "  --verify          check every result and checkpoint, listing each divergence;\n"
    "                    without it replay stops at the first one and explains it\n"
    "  --scenario OUT    write a host-driven trace (two domains, page-table and\n"
    "                    event-channel hypercalls run by the hypervisor's core)\n"
    "exit status: 0 clean, 1 divergence or damaged file, 2 bad arguments\n";

std::string fmt(const char* f, auto... a) {
    char buf[512];
    std::snprintf(buf, sizeof buf, f, a...);
    return buf;
}

std::optional<u64> number(const std::string& s) {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, 0);
    if (*end || s[0] == '-') return std::nullopt;
    return v;
}

struct Args {
    std::string file;
    std::optional<u64> to;
    bool verify = false;
    std::string scenario;
    ScenarioOptions so;
};

// Sets `why` and returns nullopt on bad arguments.
std::optional<Args> parse(const std::vector<std::string>& args, std::string& why) {
    Args a;
    for (size_t i = 0; i < args.size(); i++) {
        const std::string& s = args[i];
        auto value = [&](const char* name) -> std::optional<u64> {
            if (i + 1 >= args.size()) {
                why = std::string(name) + " needs a value";
                return std::nullopt;
            }
            auto v = number(args[++i]);
            if (!v) why = std::string(name) + ": '" + args[i] + "' is not a number";
            return v;
        };
        if (s == "--to") {
            if (!(a.to = value("--to"))) return std::nullopt;
        } else if (s == "--verify") {
            a.verify = true;
        } else if (s == "--scenario") {
            if (i + 1 >= args.size()) {
                why = "--scenario needs an output file";
                return std::nullopt;
            }
            a.scenario = args[++i];
        } else if (s == "--records") {
            auto v = value("--records");
            if (!v) return std::nullopt;
            a.so.records = *v;
        } else if (s == "--seed") {
            auto v = value("--seed");
            if (!v) return std::nullopt;
            a.so.seed = *v;
        } else if (s == "--checkpoint-every") {
            auto v = value("--checkpoint-every");
            if (!v) return std::nullopt;
            a.so.checkpoint_every = *v;
        } else if (s == "-h" || s == "--help") {
            why = "";
            return std::nullopt;
        } else if (!s.empty() && s[0] == '-') {
            why = "unknown option '" + s + "'";
            return std::nullopt;
        } else if (a.file.empty()) {
            a.file = s;
        } else {
            why = "one trace file only ('" + s + "' is a second)";
            return std::nullopt;
        }
    }
    if (a.scenario.empty() && a.file.empty()) {
        why = "no trace file given";
        return std::nullopt;
    }
    if (!a.scenario.empty() && !a.file.empty()) {
        why = "--scenario writes a trace; it takes no input file";
        return std::nullopt;
    }
    return a;
}

int write_scenario_file(const Args& a, std::ostream& out, std::ostream& err) {
    std::string why;
    auto sink = trace::open_file_sink(a.scenario, why);
    if (!sink) {
        err << "glass replay: " << a.scenario << ": " << why << "\n";
        return 1;
    }
    trace::WriterOptions wo;
    wo.creator = "glass replay --scenario";
    trace::Writer w(std::move(sink), wo);
    ScenarioCounts c;
    trace::Status s = write_scenario(w, a.so, &c);
    if (!s.ok()) {
        err << "glass replay: " << a.scenario << ": " << s.error().to_string() << "\n";
        return 1;
    }
    out << fmt("%s: %" PRIu64 " records, %" PRIu64 " hypercalls (%" PRIu64 " refused, %" PRIu64
               " not modelled, %" PRIu64 " multicalls), %" PRIu64 " checkpoints, %" PRIu64
               " frames validated, %" PRIu64 " bytes\n",
               a.scenario.c_str(), w.records(), c.hypercalls, c.failed, c.not_modelled,
               c.multicalls, c.checkpoints, c.validated_frames, w.bytes_written());
    return 0;
}

void print_stats(const Replay& r, double seconds, std::ostream& out) {
    const ReplayStats& s = r.stats();
    out << fmt("replayed %" PRIu64 " of %" PRIu64 " records in %.3f s (%.0f records/s)\n",
               r.position(), r.record_count(), seconds,
               seconds > 0 ? static_cast<double>(r.position()) / seconds : 0.0);
    out << fmt("hypercalls: %" PRIu64 ", re-executed %" PRIu64 ", results matched %" PRIu64
               ", multicalls %" PRIu64 " (sub-calls re-executed), not modelled %" PRIu64 "\n",
               s.hypercalls, s.replayed, s.results_matched, s.containers, s.not_modelled_total());
    for (const auto& [nr, n] : s.not_modelled)
        out << fmt("  not modelled: %s x%" PRIu64 "\n", trace::hypercall_name(nr).c_str(), n);
    if (s.unknown_domain)
        out << fmt("  from domains the snapshot does not have: %" PRIu64 "\n", s.unknown_domain);
    out << fmt("checkpoints: %" PRIu64 " of %" PRIu64 " matched\n", s.checkpoints_matched,
               s.checkpoints);
    out << fmt("validated frames: %" PRIu64 " with recorded contents, %" PRIu64 " without\n",
               s.frames_loaded, s.frames_without_contents);
    if (s.page_types_checked)
        out << fmt("page-type changes checked: %" PRIu64 "\n", s.page_types_checked);
    if (s.lost_records) out << fmt("lost records: %" PRIu64 "\n", s.lost_records);
}

void print_state(const Replay& r, std::ostream& out) {
    out << fmt("state after %" PRIu64 " records:\n", r.position());
    FrameSnapshot fs = r.frames();
    FrameCounts fc = count_frames(fs);
    out << fmt("  frames: %" PRIu64 " (", fc.total);
    bool first = true;
    for (unsigned c = 0; c < kFrameClasses; c++) {
        if (!fc.by_class[c]) continue;
        out << (first ? "" : ", ") << frame_class_name(static_cast<FrameClass>(c)) << " "
            << fc.by_class[c];
        first = false;
    }
    out << fmt("), %" PRIu64 " pinned\n", fc.pinned);
    for (const DomainSnapshot& d : r.domains().domains) {
        out << fmt("  domain %u%s: %" PRIu64 " pages", d.id, d.privileged ? " (privileged)" : "",
                   d.nr_pages);
        for (const VcpuSnapshot& v : d.vcpus)
            out << fmt(", vcpu%u L4 %#" PRIx64, v.id, v.kernel_l4_mfn);
        auto ev = r.evtchn(d.id);
        if (ev.ok()) out << fmt(", %zu ports", ev->ports.size());
        out << "\n";
    }
}

} // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string why;
    auto a = parse(args, why);
    if (!a) {
        if (!why.empty()) err << "glass replay: " << why << "\n";
        err << kUsage;
        return 2;
    }
    if (!a->scenario.empty()) return write_scenario_file(*a, out, err);

    auto r = Replay::open(a->file);
    if (!r.ok()) {
        err << "glass replay: " << r.error() << "\n";
        return 1;
    }
    Replay& rp = **r;
    u64 to = a->to ? *a->to : rp.record_count();
    if (to > rp.record_count()) {
        err << fmt("glass replay: --to %" PRIu64 " is beyond the %" PRIu64 " readable records\n",
                   to, rp.record_count());
        return 2;
    }
    auto t0 = std::chrono::steady_clock::now();
    trace::Status s = rp.run_to(to, !a->verify);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    int rc = 0;
    if (!s.ok()) {
        err << "glass replay: " << a->file << ": " << s.error().to_string() << "\n";
        rc = 1;
    }
    if (const auto& dmg = rp.damage()) {
        err << fmt("glass replay: %s is damaged %s; the %" PRIu64
                   " records before the damage were replayed\n",
                   a->file.c_str(), dmg->to_string().c_str(), rp.record_count());
        rc = 1;
    }
    print_stats(rp, secs, out);
    const auto& divs = rp.divergences();
    if (!divs.empty()) {
        rc = 1;
        if (a->verify) {
            out << fmt("%zu divergences:\n", divs.size());
            for (size_t i = 0; i < divs.size() && i < 20; i++)
                out << "  " << divs[i].message() << "\n";
            if (divs.size() > 20) out << fmt("  ... and %zu more\n", divs.size() - 20);
        } else {
            Divergence d = divs.front();
            rp.explain(d);
            out << "first divergence: " << d.message() << "\n";
        }
    } else {
        out << "no divergence\n";
    }
    if (!a->verify) print_state(rp, out);
    return rc;
}

} // namespace glass::replay::cli

int glass_replay_main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    return glass::replay::cli::run(args, std::cout, std::cerr);
}
