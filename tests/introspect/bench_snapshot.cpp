// Full frame-table snapshot time.
//   glass_introspect_bench                 synthetic tables for 512 MiB, 4 GiB
//                                          and 16 GiB of machine memory
//   glass_introspect_bench --mem FILE      the running system in FILE
//   ... --mem FILE --reader-hz 60 --seconds S
//                                          be a 60 Hz reader (domains + frames)
//                                          for S seconds, e.g. while guests
//                                          measure their throughput
#include "synthetic_image.hpp"

#include "introspect/lib/domains.hpp"
#include "introspect/lib/frames.hpp"
#include "introspect/lib/target.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <thread>
#include <vector>

using namespace glass;
using Clock = std::chrono::steady_clock;

namespace {

struct Timing {
    double median_ms, min_ms;
    bool consistent;
    u64 frames;
};

Timing time_snapshots(const Target& t, int runs) {
    std::vector<double> ms;
    bool consistent = true;
    u64 frames = 0;
    FrameSnapshot s; // reused, as a refreshing GUI would
    for (int i = 0; i < runs; i++) {
        auto start = Clock::now();
        read_frames(t, s);
        FrameCounts c = count_frames(s);
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        consistent = consistent && s.stamp.consistent;
        frames = c.total;
    }
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms[0], consistent, frames};
}

// A machine of `bytes` whose frame table is filled like a busy system's;
// only the root and the table are touched, the rest stays unbacked.
int synthetic(u64 bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        std::printf("%6llu MiB: cannot reserve address space\n", (unsigned long long)bytes >> 20);
        return 1;
    }
    auto* mem = static_cast<u8*>(p);
    test::SyntheticImage small(4ull << 20);
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
    for (u64 m = 0; m < nr; m++)
        ft[m] = {u32(m % 3), u32(m % 2),           u16(m % 7 == 0 ? mm::kOwnerFree : m % 5),
                 0,          mm::FrameType(m % 8), 0,
                 0};
    auto t = Target::attach(MachineMemory(mem, bytes, bytes), test::SyntheticImage::kRootPhys);
    if (!t.ok()) {
        std::printf("attach failed: %s\n", t.error().c_str());
        return 1;
    }
    Timing tm = time_snapshots(*t, 21);
    std::printf("%6llu MiB: %8llu frames, table %5llu KiB: full snapshot %7.2f ms median "
                "(%.2f min)\n",
                (unsigned long long)bytes >> 20, (unsigned long long)nr,
                (unsigned long long)(nr * 16) >> 10, tm.median_ms, tm.min_ms);
    munmap(p, bytes);
    return 0;
}

int live(const std::string& mem, double hz, double seconds) {
    auto t = Target::open(mem, "");
    if (!t.ok()) {
        std::fprintf(stderr, "glass_introspect_bench: %s\n", t.error().c_str());
        return 1;
    }
    if (hz <= 0) {
        Timing tm = time_snapshots(*t, 21);
        std::printf("live %s: %llu frames: full snapshot %.2f ms median (%.2f min)%s\n",
                    mem.c_str(), (unsigned long long)tm.frames, tm.median_ms, tm.min_ms,
                    tm.consistent ? "" : ", some snapshots torn");
        return 0;
    }
    auto period = std::chrono::duration<double>(1.0 / hz);
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    unsigned reads = 0, torn = 0;
    FrameSnapshot f;
    for (auto next = Clock::now(); Clock::now() < end;
         next += std::chrono::duration_cast<Clock::duration>(period)) {
        auto d = read_domains(*t);
        read_frames(*t, f);
        reads++;
        if (!f.stamp.consistent || !d.ok() || !d->stamp.consistent) torn++;
        std::this_thread::sleep_until(next);
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    std::printf("reader: %u snapshots at %.0f Hz, %u not consistent, %.1f%% of one CPU\n", reads,
                hz, torn, 100.0 * cpu / seconds);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::string mem;
    double hz = 0, seconds = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--mem")) mem = argv[i + 1];
        if (!std::strcmp(argv[i], "--reader-hz")) hz = std::atof(argv[i + 1]);
        if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    }
    if (!mem.empty()) return live(mem, hz, seconds);
    int rc = 0;
    for (u64 gib_x2 : {1ull, 8ull, 32ull})
        rc |= synthetic(gib_x2 << 29);
    return rc;
}
