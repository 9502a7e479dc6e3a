// glass-trace-bench [--records N] [--chunk-records N] [--out PATH]: write throughput, bytes per
// record, read throughput and random-seek time on a synthetic trace
// (default 10 million records), the figures the trace issue asks for.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "traces/reader.hpp"
#include "traces/synth/synth.hpp"
#include "traces/writer.hpp"

using namespace glass::trace;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds of this process: on a shared, loaded machine wall time says
// more about the neighbours than about the code.
static double cpu_now() {
    return double(std::clock()) / CLOCKS_PER_SEC;
}

int main(int argc, char** argv) {
    SynthOptions opt;
    opt.records = 10'000'000;
    std::string path = "/tmp/glass-trace-bench.trace";
    WriterOptions wo;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--records") && i + 1 < argc) {
            opt.records = std::strtoull(argv[++i], nullptr, 10);
        } else if (!std::strcmp(argv[i], "--chunk-records") && i + 1 < argc) {
            wo.records_per_chunk = std::uint32_t(std::strtoul(argv[++i], nullptr, 10));
        } else if (!std::strcmp(argv[i], "--out") && i + 1 < argc) {
            path = argv[++i];
        } else {
            std::fprintf(
                stderr,
                "usage: glass-trace-bench [--records N] [--chunk-records N] [--out PATH]\n");
            return 2;
        }
    }

    // The generator's own cost, so the writer's can be told apart.
    auto t = Clock::now();
    double c = cpu_now();
    std::uint64_t raw_bytes = 0;
    {
        SynthTrace synth(opt);
        while (const RecordHeader* r = synth.next())
            raw_bytes += r->size;
    }
    double gen_s = since(t), gen_cpu = cpu_now() - c;

    std::string err;
    auto sink = open_file_sink(path, err);
    if (!sink) {
        std::fprintf(stderr, "glass-trace-bench: %s\n", err.c_str());
        return 1;
    }
    Writer writer(std::move(sink), wo);
    t = Clock::now();
    c = cpu_now();
    if (Status s = write_synthetic(writer, opt); !s) {
        std::fprintf(stderr, "glass-trace-bench: %s\n", s.error().to_string().c_str());
        return 1;
    }
    double write_s = since(t) - gen_s, write_cpu = cpu_now() - c - gen_cpu;
    if (write_s <= 0) write_s = 1e-9;

    auto source = open_file_source(path, err);
    Reader reader(std::move(source));
    t = Clock::now();
    if (Status s = reader.open(); !s) {
        std::fprintf(stderr, "glass-trace-bench: %s\n", s.error().to_string().c_str());
        return 1;
    }
    double open_s = since(t);

    t = Clock::now();
    c = cpu_now();
    std::uint64_t n = 0, sum = 0;
    Cursor cursor(reader);
    while (const RecordHeader* r = cursor.next()) {
        n++;
        sum += r->time_ns;
    }
    double read_s = since(t), read_cpu = cpu_now() - c;
    if (!cursor.status() || n != opt.records) {
        std::fprintf(stderr, "glass-trace-bench: read %llu of %llu records\n",
                     (unsigned long long)n, (unsigned long long)opt.records);
        return 1;
    }

    // Random seeks: a new cursor each time, so each pays the chunk lookup and
    // one decompression.
    std::vector<double> seek_us;
    c = cpu_now();
    std::uint64_t x = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 2000 && opt.records; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        std::uint64_t target = x % opt.records;
        t = Clock::now();
        Cursor c(reader, target);
        const RecordHeader* r = c.next();
        seek_us.push_back(since(t) * 1e6);
        if (!r || c.index() != target) {
            std::fprintf(stderr, "glass-trace-bench: seek to %llu failed\n",
                         (unsigned long long)target);
            return 1;
        }
        sum += r->time_ns;
    }
    double seek_cpu_us = (cpu_now() - c) * 1e6 / double(seek_us.empty() ? 1 : seek_us.size());
    std::sort(seek_us.begin(), seek_us.end());
    double mean = 0;
    for (double v : seek_us)
        mean += v;
    mean /= double(seek_us.size() ? seek_us.size() : 1);

    double mrec = double(opt.records) / 1e6;
    std::printf("records:            %llu (%.1f MB uncompressed, %.1f bytes/record)\n",
                (unsigned long long)opt.records, raw_bytes / 1e6,
                double(raw_bytes) / double(opt.records));
    std::printf("file:               %s, %.1f MB, %.2f bytes/record\n", path.c_str(),
                writer.bytes_written() / 1e6, double(writer.bytes_written()) / double(opt.records));
    std::printf("generate:           %.2f s (not counted below)\n", gen_s);
    std::printf("write:              %.2f s, %.2f M records/s, %.0f MB/s uncompressed"
                " (CPU %.2f s: %.2f M records/s)\n",
                write_s, mrec / write_s, raw_bytes / 1e6 / write_s, write_cpu, mrec / write_cpu);
    std::printf("open (index):       %.3f ms\n", open_s * 1e3);
    std::printf("read all:           %.2f s, %.2f M records/s, %.0f MB/s uncompressed"
                " (CPU %.2f s: %.2f M records/s)\n",
                read_s, mrec / read_s, raw_bytes / 1e6 / read_s, read_cpu, mrec / read_cpu);
    if (!seek_us.empty())
        std::printf(
            "random seek:        mean %.1f us, p50 %.1f us, p99 %.1f us, max %.1f us (%zu seeks)\n",
            mean, seek_us[seek_us.size() / 2], seek_us[seek_us.size() * 99 / 100], seek_us.back(),
            seek_us.size());
    std::printf("random seek CPU:    mean %.1f us\n", seek_cpu_us);
    return sum == 42 ? 3 : 0; // keeps the reads from being optimised away
}
