// glass trace record OUT: record a running Glasshouse into a trace file
// (traces/live): start recording, drain the per-CPU rings with a progress
// line, stop on Ctrl-C, --duration or --records (or when the hypervisor
// stops, e.g. domain 0 ended the machine), write the file.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <thread>

#include "traces/cli/commands.hpp"
#include "traces/live/hypercall_filter.hpp"
#include "traces/live/live_recorder.hpp"
#include "traces/names.hpp"

namespace glass::trace::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void on_signal(int) {
    g_interrupted = 1;
}

// "0,1,5" -> bits; ids >= 63 share bit 63 (the hypervisor's filter rule).
bool parse_mask(const std::string& text, std::uint64_t max, std::uint64_t& mask,
                std::string& error) {
    mask = 0;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t comma = text.find(',', at);
        std::string item =
            text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        char* end = nullptr;
        unsigned long long v = std::strtoull(item.c_str(), &end, 0);
        if (item.empty() || *end || v > max) {
            error = "'" + item + "': expected a number 0.." + std::to_string(max) +
                    " (a comma-separated list)";
            return false;
        }
        mask |= 1ull << (v < 63 ? v : 63);
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    return true;
}

void progress(std::ostream& err, const LiveStats& s, double secs, bool last) {
    err << "\rrecords " << s.records << "  bytes " << s.bytes << "  lost " << s.lost << "  "
        << static_cast<std::uint64_t>(secs > 0 ? double(s.records) / secs : 0) << " rec/s"
        << (last ? "\n" : "   ") << std::flush;
}

int record(const Args& args, std::ostream& out, std::ostream& err) {
    std::string error;
    std::string mem = args.has("--mem")          ? args.value("--mem")
                      : std::getenv("GLASS_MEM") ? std::getenv("GLASS_MEM")
                                                 : "/dev/shm/glasshouse.ram";
    std::string hv_elf = args.has("--hv-elf")          ? args.value("--hv-elf")
                         : std::getenv("GLASS_HV_ELF") ? std::getenv("GLASS_HV_ELF")
                                                       : "";
    std::uint64_t max_records = 0, duration_ms = 0, stall_ms = 0,
                  checkpoint = ::trace::kAllFilters.checkpoint_interval;
    if (!args.number("--records", 1, ~0ull, max_records, error) ||
        !args.number("--duration-ms", 1, ~0ull, duration_ms, error) ||
        !args.number("--stall-ms", 1, 600000, stall_ms, error) ||
        !args.number("--checkpoint", 0, 0xFFFFFFFFu, checkpoint, error)) {
        err << error << "\n";
        return kExitUsage;
    }
    ::trace::Filters filters = ::trace::kAllFilters;
    filters.checkpoint_interval = std::uint32_t(checkpoint);
    if ((args.has("--domain") &&
         !parse_mask(args.value("--domain"), 0x7FEF, filters.domain_mask, error)) ||
        (args.has("--hypercall") &&
         !parse_hypercall_filter(args.value("--hypercall"), filters.hypercall_mask, error))) {
        err << "glass trace record: " << error << "\n";
        return kExitUsage;
    }
    // With --join the hypervisor may still be booting: keep trying for a while.
    std::unique_ptr<LiveRecorder> rec;
    auto give_up =
        std::chrono::steady_clock::now() + std::chrono::seconds(args.has("--join") ? 20 : 0);
    while (!(rec = LiveRecorder::attach(mem, hv_elf, error)) &&
           std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!rec) {
        err << "glass trace record: " << error << "\n";
        return kExitDamaged;
    }
    if (args.has("--control") && !rec->use_control_port(args.value("--control"), error)) {
        err << "glass trace record: " << error << "\n";
        return kExitUsage;
    }
    if (!rec->start(filters, args.has("--join"), 30.0, error)) {
        err << "glass trace record: " << error << "\n";
        return kExitDamaged;
    }
    const std::string& path = args.positional(0);
    auto sink = open_file_sink(path, error);
    if (!sink) {
        err << "glass trace record: cannot create " << error << "\n";
        return kExitDamaged;
    }
    WriterOptions wo;
    wo.creator = "glass trace record";
    wo.compress = !args.has("--uncompressed");
    wo.time_base_ns = rec->start_time_ns();
    Writer writer(std::move(sink), wo);

    g_interrupted = 0;
    auto old_int = std::signal(SIGINT, on_signal);
    auto old_term = std::signal(SIGTERM, on_signal);
    auto t0 = std::chrono::steady_clock::now();
    auto next_line = t0;
    bool quiet = args.has("--quiet");
    Status s;
    const char* why = "interrupted";
    for (;;) {
        s = rec->poll(writer);
        if (!s) break;
        auto now = std::chrono::steady_clock::now();
        double secs = std::chrono::duration<double>(now - t0).count();
        if (!quiet && now >= next_line) {
            progress(err, rec->stats(), secs, false);
            next_line = now + std::chrono::milliseconds(500);
        }
        if (g_interrupted) break;
        if (stall_ms && rec->control().state == std::uint32_t(::trace::State::Recording)) {
            // A consumer that falls behind, on purpose: the rings fill and
            // the hypervisor counts what it drops (tests, demonstrations).
            std::this_thread::sleep_for(std::chrono::milliseconds(stall_ms));
            stall_ms = 0;
        }
        if (duration_ms && secs * 1000 >= double(duration_ms)) {
            why = "duration reached";
            break;
        }
        if (max_records && rec->stats().records >= max_records) {
            why = "record count reached";
            break;
        }
        if (rec->stopped_by_hypervisor()) {
            why = "the hypervisor stopped recording";
            break;
        }
        // The default 4 MiB ring holds about 20 ms of the busiest burst seen
        // (mmbench pinning: a 4 KiB frame record per pin).
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    if (s) s = rec->stop(writer, 10.0, error);
    Status f = writer.finish();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!quiet) progress(err, rec->stats(), secs, true);
    for (const std::string& e : rec->stats().ring_errors)
        err << "glass trace record: warning: " << e << "\n";
    if (!s || !f) {
        err << "glass trace record: " << path << ": " << (!s ? s : f).error().to_string() << "\n";
        return kExitDamaged;
    }
    const LiveStats& st = rec->stats();
    out << "wrote " << path << ": " << st.records << " records (" << st.snapshot << " snapshot), "
        << writer.bytes_written() << " bytes, " << st.lost << " lost, " << secs << " s (" << why
        << ")\n";
    return kExitOk;
}

} // namespace

const Command kRecord = {
    {"record",
     {"OUT"},
     {{"--mem", "FILE", "QEMU's shared RAM file (default $GLASS_MEM or /dev/shm/glasshouse.ram)"},
      {"--hv-elf", "FILE", "hv.elf, to find the introspection root by symbol (default: scan)"},
      {"--control", "HOST:PORT",
       "start and stop through the control port (control=com3) instead of the mailbox"},
      {"--duration-ms", "MS", "stop after this long"},
      {"--records", "N", "stop after this many records"},
      {"--domain", "LIST", "record only these domain ids (comma-separated)"},
      {"--hypercall", "LIST",
       "record only these hypercalls: numbers, names or classes (mm, evtchn, grant, sched, cpu, "
       "control, console), comma-separated"},
      {"--checkpoint", "N", "records between checkpoints (default 65536, 0 = none)"},
      {"--join", "",
       "join the recording trace=on started at boot (waits up to 20 s for the hypervisor)"},
      {"--uncompressed", "", "store chunks without zstd"},
      {"--stall-ms", "MS", "stop draining for MS once recording runs (see loss accounting)"},
      {"--quiet", "", "no progress line"}},
     "record a running Glasshouse (shared RAM file) into a trace file"},
    record};

} // namespace glass::trace::cli
