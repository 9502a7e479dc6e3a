// `glass replay`: exit status, summary lines and precise errors.
#include "replay_fixture.hpp"

#include "hv/abi/hypercalls.hpp"
#include "traces/replay/cli/replay_main.hpp"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <unistd.h>

using namespace replay_test;

namespace {

struct Run {
    int rc;
    std::string out, err;
};

Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int rc = glass::replay::cli::run(args, out, err);
    return {rc, out.str(), err.str()};
}

std::string temp(const char* name) {
    return "/tmp/glass_replay_test_" + std::to_string(getpid()) + "_" + name;
}

void write(const std::string& path, const std::vector<u8>& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

} // namespace

TEST_CASE("glass replay: a clean trace, --to and --verify", "[replay][cli]") {
    std::string path = temp("clean.trace");
    Run w = run({"--scenario", path, "--records", "8000", "--checkpoint-every", "1000"});
    REQUIRE(w.rc == 0);
    CHECK(w.out.find(" records, ") != std::string::npos);

    Run all = run({path});
    CHECK(all.rc == 0);
    CHECK(all.out.find("no divergence") != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(all.out, m, std::regex("checkpoints: (\\d+) of (\\d+) matched")));
    CHECK(m[1] == m[2]);
    CHECK(std::stoi(m[1]) >= 7);
    CHECK(all.out.find("not modelled: xen_version") != std::string::npos);
    CHECK(all.out.find("state after ") != std::string::npos);

    Run to = run({path, "--to", "1234"});
    CHECK(to.rc == 0);
    CHECK(to.out.find("replayed 1234 of ") != std::string::npos);
    CHECK(to.out.find("state after 1234 records") != std::string::npos);

    Run v = run({path, "--verify"});
    CHECK(v.rc == 0);
    CHECK(v.out.find("state after") == std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("glass replay: a divergence is reported with its record, exit status 1",
          "[replay][cli]") {
    ScenarioOptions so;
    so.records = 6000;
    auto bytes = scenario_bytes(so);
    u64 count = 0;
    u64 target = find_record(bytes, [&](const RecordHeader& r) {
        auto e = trace::record_as<trace::HypercallEntry>(&r, trace::RecordType::HypercallEntry);
        return e && e->nr == xen::HC_mmu_update && !(r.flags & trace::kHypercallInMulticall) &&
               ++count == 50;
    });
    std::string path = temp("flipped.trace");
    write(path, rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
              if (i == target) rec[offsetof(trace::HypercallEntry, args) + 0] ^= 0x01;
          }));
    Run r = run({path});
    CHECK(r.rc == 1);
    CHECK(r.out.find("first divergence: record") != std::string::npos);
    CHECK(r.out.find("entered at record " + std::to_string(target)) != std::string::npos);
    Run v = run({path, "--verify"});
    CHECK(v.rc == 1);
    CHECK(v.out.find("divergences:") != std::string::npos);
    std::remove(path.c_str());
}

TEST_CASE("glass replay: bad arguments and unreadable files", "[replay][cli]") {
    CHECK(run({}).rc == 2);
    CHECK(run({}).err.find("no trace file given") != std::string::npos);
    Run bad = run({"x.trace", "--to", "ten"});
    CHECK(bad.rc == 2);
    CHECK(bad.err.find("--to: 'ten' is not a number") != std::string::npos);
    CHECK(run({"x.trace", "--frobnicate"}).err.find("unknown option '--frobnicate'") !=
          std::string::npos);
    Run missing = run({"/nonexistent/x.trace"});
    CHECK(missing.rc == 1);
    CHECK(missing.err.find("/nonexistent/x.trace") != std::string::npos);

    std::string path = temp("short.trace");
    REQUIRE(run({"--scenario", path, "--records", "500"}).rc == 0);
    Run beyond = run({path, "--to", "100000"});
    CHECK(beyond.rc == 2);
    CHECK(beyond.err.find("--to 100000 is beyond the ") != std::string::npos);

    // Truncated: the damage with its offset, and the records before it replayed.
    std::ifstream in(path, std::ios::binary);
    std::vector<u8> bytes((std::istreambuf_iterator<char>(in)), {});
    bytes.resize(bytes.size() * 2 / 3);
    write(path, bytes);
    Run cut = run({path});
    CHECK(cut.rc == 1);
    CHECK(cut.err.find("is damaged at byte") != std::string::npos);
    CHECK(cut.out.find("no divergence") != std::string::npos);
    std::remove(path.c_str());
}
