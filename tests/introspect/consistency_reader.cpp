// Reads whole-system snapshots (domains, frame table, every live page
// table) as fast as it can for a while and checks each one
// (introspect/lib/consistency.hpp). Every snapshot the library calls
// consistent must pass; torn ones are counted, and checked too, to show
// what the consistency protocol protects against.
//   glass_introspect_consistency --mem FILE [--seconds S]
// Exit status 1 if a consistent snapshot failed a check or none was
// consistent.
#include "introspect/lib/consistency.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace glass;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    std::string mem;
    double seconds = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--mem")) mem = argv[i + 1];
        if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    }
    auto t = Target::open(mem, "");
    if (!t.ok()) {
        std::fprintf(stderr, "glass_introspect_consistency: %s\n", t.error().c_str());
        return 1;
    }
    unsigned snapshots = 0, consistent = 0, torn_bad = 0, bad = 0;
    u64 tables = 0, entries = 0, attempts = 0;
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
        auto s = read_system(*t);
        if (!s.ok()) {
            std::printf("snapshot %u: %s\n", snapshots, s.error().c_str());
            return 1;
        }
        snapshots++;
        attempts += s->stamp.attempts;
        ConsistencyReport r = check_system(*s, 4);
        if (!s->stamp.consistent) {
            torn_bad += !r.ok();
            continue;
        }
        consistent++;
        tables += r.tables;
        entries += r.entries;
        if (r.ok()) continue;
        bad++;
        std::printf("consistent snapshot %u (generation %llu) fails %llu check(s):\n", snapshots,
                    (unsigned long long)s->stamp.generation, (unsigned long long)r.nr_violations);
        for (const auto& v : r.violations)
            std::printf("  %s\n", v.c_str());
    }
    std::printf("consistency: %u snapshots in %.1f s, %u consistent (%.1f read attempts each), "
                "%u consistent ones failed; %u torn ones failed a check; %llu tables, %llu "
                "entries recounted\n",
                snapshots, seconds, consistent, snapshots ? double(attempts) / snapshots : 0.0, bad,
                torn_bad, (unsigned long long)tables, (unsigned long long)entries);
    return bad || !consistent ? 1 : 0;
}
