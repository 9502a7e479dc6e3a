// glass-replay-bench [--records N] [--seeks N] [--interval K] [--out PATH]:
// replay speed (records/s) and the time to seek to a random record, on a
// host-scenario trace (default 10 million records) whose every result and
// checkpoint replays, so the figures are for verified replay.
#include "traces/replay/replay.hpp"
#include "traces/replay/scenario.hpp"
#include "traces/writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

using namespace glass;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds: on a shared, loaded machine wall time says more about the
// neighbours than about the code.
double cpu_now() {
    return double(std::clock()) / CLOCKS_PER_SEC;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv) {
    replay::ScenarioOptions so;
    so.records = 10'000'000;
    so.checkpoint_every = 65536;
    replay::ReplayOptions ro;
    unsigned seeks = 200;
    std::string path = "/tmp/glass-replay-bench.trace";
    for (int i = 1; i < argc; i++) {
        auto next = [&] { return std::strtoull(argv[++i], nullptr, 10); };
        if (!std::strcmp(argv[i], "--records") && i + 1 < argc) {
            so.records = next();
        } else if (!std::strcmp(argv[i], "--seeks") && i + 1 < argc) {
            seeks = static_cast<unsigned>(next());
        } else if (!std::strcmp(argv[i], "--interval") && i + 1 < argc) {
            ro.checkpoint_interval = next();
        } else if (!std::strcmp(argv[i], "--out") && i + 1 < argc) {
            path = argv[++i];
        } else {
            std::fprintf(stderr, "usage: glass-replay-bench [--records N] [--seeks N] "
                                 "[--interval K] [--out PATH]\n");
            return 2;
        }
    }

    auto t = Clock::now();
    std::string err;
    auto sink = trace::open_file_sink(path, err);
    if (!sink) {
        std::fprintf(stderr, "glass-replay-bench: %s: %s\n", path.c_str(), err.c_str());
        return 1;
    }
    trace::Writer w(std::move(sink));
    replay::ScenarioCounts counts;
    trace::Status s = replay::write_scenario(w, so, &counts);
    if (!s.ok()) {
        std::fprintf(stderr, "glass-replay-bench: %s\n", s.error().to_string().c_str());
        return 1;
    }
    std::printf("scenario: %llu records (%llu hypercalls) written in %.1f s, %llu bytes\n",
                static_cast<unsigned long long>(w.records()),
                static_cast<unsigned long long>(counts.hypercalls), since(t),
                static_cast<unsigned long long>(w.bytes_written()));

    auto opened = replay::Replay::open(path, ro);
    if (!opened.ok()) {
        std::fprintf(stderr, "glass-replay-bench: %s\n", opened.error().c_str());
        return 1;
    }
    replay::Replay& r = **opened;
    t = Clock::now();
    double c0 = cpu_now();
    s = r.run_to(r.record_count());
    double wall = since(t), cpu = cpu_now() - c0;
    if (!s.ok() || !r.divergences().empty()) {
        std::fprintf(stderr, "glass-replay-bench: replay failed: %s\n",
                     !s.ok() ? s.error().to_string().c_str()
                             : r.divergences().front().message().c_str());
        return 1;
    }
    const replay::ReplayStats& st = r.stats();
    std::printf("replay: %llu records in %.2f s wall, %.2f s CPU: %.0f records/s "
                "(%.0f per CPU second); %llu calls re-executed, %llu checkpoints matched\n",
                static_cast<unsigned long long>(r.position()), wall, cpu,
                static_cast<double>(r.position()) / wall, static_cast<double>(r.position()) / cpu,
                static_cast<unsigned long long>(st.replayed),
                static_cast<unsigned long long>(st.checkpoints_matched));

    std::mt19937_64 rng(1);
    std::vector<double> times;
    for (unsigned i = 0; i < seeks; i++) {
        u64 n = rng() % (r.record_count() + 1);
        auto t1 = Clock::now();
        s = r.seek(n);
        times.push_back(since(t1) * 1e3);
        if (!s.ok()) {
            std::fprintf(stderr, "glass-replay-bench: seek %llu: %s\n",
                         static_cast<unsigned long long>(n), s.error().to_string().c_str());
            return 1;
        }
    }
    double sum = 0;
    for (double v : times)
        sum += v;
    std::printf("seek to a random record (%u seeks, in-memory checkpoint every %llu records): "
                "mean %.2f ms, median %.2f ms, p99 %.2f ms, max %.2f ms\n",
                seeks, static_cast<unsigned long long>(ro.checkpoint_interval),
                sum / static_cast<double>(seeks), percentile(times, 0.5), percentile(times, 0.99),
                percentile(times, 1.0));
    std::remove(path.c_str());
    return 0;
}
