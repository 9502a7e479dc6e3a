// Workbench frame times: renders frames unthrottled in a real window (run
// it under Xvfb for offscreen figures) and prints the median and 99th
// percentile, with the Memory map showing a 4-million-frame table (16 GiB
// of machine memory, synthetic as tests/introspect's benchmark builds it)
// that a mutator thread keeps changing, read through the same LiveSource
// poller as a live session.
//   glass-workbench-bench [--gib 16] [--frames 600] [--size 1920x1080]
//                         [--open PANEL]... [--changes-per-tick 500]
// With --trace FILE (or --trace-records N: a synthetic trace of N records,
// written first) it replays that trace instead, the Timeline zooming in
// and out over every vCPU's track each frame (tv::prepare_timeline's level
// of detail), the state panels showing the replayed machine.
#include "../introspect/synthetic_image.hpp"

#include "gui/app/app.hpp"
#include "gui/panels/trace_widgets.hpp"
#include "gui/session/live_source.hpp"
#include "traces/synth/synth.hpp"
#include "traces/writer.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>
#include <sys/mman.h>
#include <thread>

using namespace glass;
using namespace glass::gui;

namespace {

// A busy machine's frame table: the hypervisor's frames first, then each
// domain's memory (mostly plain RAM and writable pages, with page tables
// and descriptor pages among them), then free memory.
void fill_frames(mm::FrameInfo* ft, u64 nr) {
    std::mt19937_64 rng(42);
    u64 hv_end = nr / 64;
    for (u64 m = 0; m < nr; m++) {
        mm::FrameInfo f{};
        f.ref_count = 1;
        if (m < hv_end) {
            f.owner = mm::kOwnerHypervisor;
        } else if (m < nr * 3 / 4) {
            f.owner = static_cast<u16>((m - hv_end) / (nr / 16)); // 12 domains
            u64 r = rng() % 1000;
            f.type = r < 8     ? mm::FrameType::L1
                     : r < 10  ? mm::FrameType::L2
                     : r < 11  ? mm::FrameType::L3
                     : r < 12  ? mm::FrameType::L4
                     : r < 14  ? mm::FrameType::SegDesc
                     : r < 400 ? mm::FrameType::Writable
                               : mm::FrameType::None;
            f.type_count = f.type == mm::FrameType::None ? 0 : 1;
        } else {
            f.owner = mm::kOwnerFree;
            f.ref_count = 0;
        }
        ft[m] = f;
    }
}

// Frames of the Timeline over a trace, through the same App loop: the
// script waits for the trace to load, then every frame is timed.
int bench_trace(std::string path, unsigned long long records, AppOptions o) {
    std::string tmp;
    if (path.empty()) {
        tmp = "/tmp/glass-bench-" + std::to_string(getpid()) + ".trace";
        std::string err;
        trace::Writer w(trace::open_file_sink(tmp, err));
        trace::SynthOptions so;
        so.records = records;
        if (auto s = trace::write_synthetic(w, so); !s) {
            std::fprintf(stderr, "glass-workbench-bench: %s\n", s.error().to_string().c_str());
            return 1;
        }
        path = tmp;
    }
    Workbench wb(Session::open_trace(path));
    char ini[] = "/tmp/glass-bench-XXXXXX";
    int fd = mkstemp(ini);
    if (fd >= 0) close(fd);
    o.ini = ini;
    o.script = "panel Timeline: wait-loaded; focus Timeline; panel Timeline: animate; wait 30";
    App app(o, wb);
    if (!app.init()) return 1;
    std::printf("workbench bench: trace %s in the Timeline (zooming over 5 decades), %dx%d "
                "window, %ld frames\n",
                path.c_str(), o.width, o.height, o.bench_frames);
    int rc = app.run();
    // The Timeline's own share of each frame (the rest is ImGui and, under
    // Xvfb, Mesa's software rasteriser), over the timed frames only.
    TimelineFrameTimes& t = timeline_frame_times();
    const std::size_t timed =
        std::min<std::size_t>(t.prepare_ms.size(), std::size_t(o.bench_frames));
    auto pct = [&](std::vector<double> v, double q) {
        v.erase(v.begin(), v.end() - long(timed));
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
    };
    std::printf("timeline LOD frames %zu  median %.2f ms  p99 %.2f ms (CPU; up to %zu marks)\n",
                timed, pct(t.prepare_ms, 0.5), pct(t.prepare_ms, 0.99), t.max_marks);
    std::printf("timeline draw frames %zu  median %.2f ms  p99 %.2f ms (CPU, ImGui draw list)\n",
                timed, pct(t.draw_ms, 0.5), pct(t.draw_ms, 0.99));
    unlink(ini);
    if (!tmp.empty()) unlink(tmp.c_str());
    return rc;
}

} // namespace

int main(int argc, char** argv) {
    u64 gib = 16;
    long frames = 600;
    unsigned changes = 500;
    std::string trace_path;
    unsigned long long trace_records = 0;
    AppOptions o;
    o.width = 1920;
    o.height = 1080;
    o.open = {"Memory map"};
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--gib")
            gib = std::strtoull(v.c_str(), nullptr, 10);
        else if (a == "--frames")
            frames = std::strtol(v.c_str(), nullptr, 10);
        else if (a == "--changes-per-tick")
            changes = static_cast<unsigned>(std::strtoul(v.c_str(), nullptr, 10));
        else if (a == "--open")
            o.open.push_back(v);
        else if (a == "--size")
            std::sscanf(v.c_str(), "%dx%d", &o.width, &o.height);
        else if (a == "--trace")
            trace_path = v;
        else if (a == "--trace-records")
            trace_records = std::strtoull(v.c_str(), nullptr, 10);
        else {
            std::fprintf(stderr, "glass-workbench-bench: unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (gib < 1 || gib > 64 || frames < 20) {
        std::fprintf(stderr, "glass-workbench-bench: --gib 1..64, --frames >= 20\n");
        return 2;
    }
    if (!trace_path.empty() || trace_records) {
        o.bench_frames = frames;
        return bench_trace(trace_path, trace_records, o);
    }
    u64 bytes = gib << 30;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        std::fprintf(stderr, "glass-workbench-bench: cannot reserve %llu GiB of address space\n",
                     static_cast<unsigned long long>(gib));
        return 1;
    }
    auto* mem = static_cast<u8*>(p);
    // Root, layout table and a few domains from the unit tests' image; the
    // frame table moves to 16 MiB and covers the whole machine.
    test::SyntheticImage small(8ull << 20);
    for (u16 d = 0; d < 4; d++) {
        u64 dom = small.add_domain(d, 0x400 + d * 4, 1, 32768, 1);
        small.set_vcpu(dom, 0, 2, 0, 0xffffffff80100000ull);
    }
    small.seal();
    std::memcpy(mem, small.memory().at(0, 8ull << 20), 8ull << 20);
    introspect_abi::Root root = small.root();
    u64 nr = bytes / kPageSize;
    root.nr_frames = nr;
    root.frame_table_phys = 16ull << 20;
    root.ram[0] = {0, bytes};
    root.magic = 0;
    root.checksum = introspect_abi::root_checksum(root);
    root.magic = introspect_abi::kRootMagic;
    std::memcpy(mem + test::SyntheticImage::kRootPhys, &root, sizeof root);
    auto* ft = reinterpret_cast<mm::FrameInfo*>(mem + root.frame_table_phys);
    fill_frames(ft, nr);
    auto t = Target::attach(MachineMemory(mem, bytes, bytes), test::SyntheticImage::kRootPhys);
    if (!t.ok()) {
        std::fprintf(stderr, "glass-workbench-bench: attach: %s\n", t.error().c_str());
        return 1;
    }

    // Live updates: every 20 ms some frames change type (pages becoming
    // page tables and back), so refreshes diff, recolour and flash.
    std::atomic<bool> stop{false};
    std::thread mutator([&] {
        std::mt19937_64 rng(7);
        u64 lo = nr / 64, hi = nr * 3 / 4;
        while (!stop) {
            for (unsigned i = 0; i < changes; i++) {
                mm::FrameInfo& f = ft[lo + rng() % (hi - lo)];
                bool table = f.type_count == 0;
                f.type = table ? mm::FrameType::L1 : mm::FrameType::None;
                f.type_count = table ? 1 : 0;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });

    auto session = std::make_unique<Session>();
    session->set_state_source(
        std::make_unique<LiveSource>(std::move(*t), "synthetic " + std::to_string(gib) + " GiB"));
    Workbench wb(std::move(session));
    char ini[] = "/tmp/glass-bench-XXXXXX";
    int fd = mkstemp(ini);
    if (fd >= 0) close(fd);
    o.ini = ini;
    o.bench_frames = frames;
    App app(o, wb);
    if (!app.init()) return 1;
    for (const auto& name : o.open)
        app.focus_panel(name);
    std::printf("workbench bench: %llu frames in the map (%llu GiB), %ux%d window, %u frame "
                "changes every 20 ms, %ld frames\n",
                static_cast<unsigned long long>(nr), static_cast<unsigned long long>(gib), o.width,
                o.height, changes, frames);
    int rc = app.run();
    stop = true;
    mutator.join();
    unlink(ini);
    return rc;
}
