// glass trace synth OUT: a synthetic trace (traces/synth) for trying the
// tools and for benchmarks, until recordings from the hypervisor exist.
#include <chrono>

#include "traces/cli/commands.hpp"
#include "traces/synth/synth.hpp"

namespace glass::trace::cli {

namespace {

int synth(const Args& args, std::ostream& out, std::ostream& err) {
    std::string error;
    SynthOptions opt;
    std::uint64_t domains = opt.domains, vcpus = opt.vcpus, cpus = opt.cpus;
    std::uint64_t per_chunk = 1024;
    if (!args.number("--records", 0, 1ull << 40, opt.records, error) ||
        !args.number("--seed", 0, ~0ull, opt.seed, error) ||
        !args.number("--domains", 1, 1000, domains, error) ||
        !args.number("--vcpus", 1, 128, vcpus, error) ||
        !args.number("--cpus", 1, 256, cpus, error) ||
        !args.number("--chunk-records", 1, kMaxRecordsPerChunk, per_chunk, error)) {
        err << error << "\n";
        return kExitUsage;
    }
    opt.domains = std::uint16_t(domains);
    opt.vcpus = std::uint16_t(vcpus);
    opt.cpus = std::uint16_t(cpus);
    const std::string& path = args.positional(0);
    auto sink = open_file_sink(path, error);
    if (!sink) {
        err << "glass trace synth: cannot create " << error << "\n";
        return kExitDamaged;
    }
    WriterOptions wo;
    wo.creator = "glass trace synth";
    wo.records_per_chunk = std::uint32_t(per_chunk);
    wo.compress = !args.has("--uncompressed");
    Writer writer(std::move(sink), wo);
    auto t0 = std::chrono::steady_clock::now();
    if (Status s = write_synthetic(writer, opt); !s) {
        err << "glass trace synth: " << path << ": " << s.error().to_string() << "\n";
        return kExitDamaged;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out << "wrote " << path << ": " << writer.records() << " records, " << writer.bytes_written()
        << " bytes in " << secs << " s\n";
    return kExitOk;
}

} // namespace

const Command kSynth = {{"synth",
                         {"OUT"},
                         {{"--records", "N", "event records to generate (default 100000)"},
                          {"--seed", "S", "random seed (default 1)"},
                          {"--domains", "N", "domains (default 4)"},
                          {"--vcpus", "N", "vCPUs per domain (default 2)"},
                          {"--cpus", "N", "physical CPUs (default 2)"},
                          {"--chunk-records", "N", "records per chunk (default 1024)"},
                          {"--uncompressed", "", "store chunks without zstd"}},
                         "write a synthetic trace with a realistic hypercall mix"},
                        synth};

} // namespace glass::trace::cli
