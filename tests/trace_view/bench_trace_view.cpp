// Benchmark of the trace view models on a big trace (10 million records by
// default): load time and memory, filter and statistics time, and the time
// prepare_timeline() takes per frame at 1920 px over random zoom levels
// (median and 99th percentile). Prints figures; asserts nothing.
//
//   glass-trace-view-bench [--trace FILE] [--records N] [--frames N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <time.h>

#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/lod.hpp"
#include "gui/trace_view/stats_view.hpp"
#include "gui/trace_view/trace_model.hpp"
#include "traces/io.hpp"
#include "traces/synth/synth.hpp"
#include "traces/writer.hpp"

using namespace glass::tv;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// CPU time of this thread: on a machine shared with other builds, wall time
// per frame mostly measures the scheduler.
double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p / 100.0 * double(v.size())))];
}

} // namespace

int main(int argc, char** argv) {
    std::string trace;
    std::uint64_t records = 10'000'000;
    int frames = 600;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--trace" && i + 1 < argc) {
            trace = argv[++i];
        } else if (a == "--records" && i + 1 < argc) {
            records = std::strtoull(argv[++i], nullptr, 10);
        } else if (a == "--frames" && i + 1 < argc) {
            frames = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: %s [--trace FILE] [--records N] [--frames N]\n", argv[0]);
            return 2;
        }
    }
    bool made = false;
    if (trace.empty()) {
        trace = (std::filesystem::temp_directory_path() / "glass_trace_view_bench.trace").string();
        auto t0 = Clock::now();
        std::string err;
        glass::trace::Writer w(glass::trace::open_file_sink(trace, err));
        glass::trace::SynthOptions so;
        so.records = records;
        if (auto s = glass::trace::write_synthetic(w, so); !s) {
            std::fprintf(stderr, "synth: %s\n", s.error().to_string().c_str());
            return 1;
        }
        std::printf("synthesised %llu records in %.0f ms\n", (unsigned long long)records,
                    ms_since(t0));
        made = true;
    }

    auto t0 = Clock::now();
    LoadedTrace lt = load_trace_model(trace);
    if (!lt.model) {
        std::fprintf(stderr, "%s\n", lt.error.c_str());
        return 1;
    }
    const TraceModel& m = *lt.model;
    const double load_ms = ms_since(t0);
    std::size_t bytes = m.rows().capacity() * sizeof(RecordRow);
    for (const Track& t : m.tracks()) {
        bytes += t.instants.capacity() * sizeof(Instant) + t.instant_times.memory_bytes();
        for (const SpanLevel& l : t.levels)
            bytes += l.spans.capacity() * sizeof(Span) + l.index.memory_bytes();
    }
    std::printf("load: %llu records, %llu spans, %zu tracks in %.0f ms; model %.1f MiB "
                "(%.1f bytes/record)\n",
                (unsigned long long)m.record_count(), (unsigned long long)m.span_count(),
                m.tracks().size(), load_ms, double(bytes) / (1 << 20),
                double(bytes) / double(std::max<std::uint64_t>(1, m.record_count())));

    t0 = Clock::now();
    TraceFilter flt;
    flt.hidden_calls.set(m.kind_of(1));
    flt.result = ResultFilter::Success;
    FilteredTrace filtered = apply_filter(m, flt);
    std::printf("filter (hide mmu_update, successes only): %llu rows in %.0f ms\n",
                (unsigned long long)filtered.row_count(), ms_since(t0));
    t0 = Clock::now();
    FilteredTrace all(m);
    StatsView sv = compute_stats(m, all);
    std::printf("statistics, whole trace: %zu hypercalls in %.0f ms\n", sv.calls.size(),
                ms_since(t0));

    // Frames: random windows from the whole trace down to 1 us, 1920 px.
    for (const FilteredTrace* f : {&all, &filtered}) {
        std::mt19937_64 rng(1);
        std::vector<double> ms, cpu;
        TimelineMarks marks;
        std::size_t max_marks = 0;
        const double total = double(m.end_ns());
        for (int i = 0; i < frames; i++) {
            const double span = total * std::pow(10.0, -double(rng() % 70) / 10.0);
            const double start = double(rng() % std::uint64_t(total)) - span / 2;
            auto f0 = Clock::now();
            const double c0 = thread_cpu_ms();
            prepare_timeline(m, *f, TimeWindow{start, start + span}, 1920, LodOptions{}, marks);
            cpu.push_back(thread_cpu_ms() - c0);
            ms.push_back(ms_since(f0));
            max_marks = std::max(max_marks, marks.mark_count());
        }
        // The whole trace in view: the worst case for folding.
        std::vector<double> whole, whole_cpu;
        for (int i = 0; i < 50; i++) {
            auto f0 = Clock::now();
            const double c0 = thread_cpu_ms();
            prepare_timeline(m, *f, TimeWindow{0, total}, 1920, LodOptions{}, marks);
            whole_cpu.push_back(thread_cpu_ms() - c0);
            whole.push_back(ms_since(f0));
        }
        const char* name = f == &all ? "unfiltered" : "filtered";
        std::printf("prepare_timeline %s, 1920 px, random zoom (max %zu marks): wall median %.3f "
                    "p99 %.3f ms, cpu median %.3f p99 %.3f ms\n",
                    name, max_marks, percentile(ms, 50), percentile(ms, 99), percentile(cpu, 50),
                    percentile(cpu, 99));
        std::printf("prepare_timeline %s, 1920 px, whole trace (%zu marks): wall median %.3f "
                    "p99 %.3f ms, cpu median %.3f p99 %.3f ms\n",
                    name, marks.mark_count(), percentile(whole, 50), percentile(whole, 99),
                    percentile(whole_cpu, 50), percentile(whole_cpu, 99));
    }
    if (made) std::filesystem::remove(trace);
    return 0;
}
