// `glass trace` subcommands: output on good files, precise errors on bad
// arguments and damaged files.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "traces/cli/trace_main.hpp"

namespace {

struct Run {
    int status;
    std::string out, err;
};

Run run(std::vector<std::string> args) {
    std::ostringstream out, err;
    int status = glass::trace::cli::run(args, out, err);
    return {status, out.str(), err.str()};
}

std::string temp_path(const char* name) {
    return std::string("/tmp/glass_trace_test_") + std::to_string(::getpid()) + "_" + name;
}

struct TempTrace {
    std::string path = temp_path("cli.trace");
    TempTrace() {
        Run r = run({"synth", path, "--records", "5000", "--chunk-records", "512"});
        REQUIRE(r.status == 0);
    }
    ~TempTrace() { std::remove(path.c_str()); }
};

} // namespace

TEST_CASE("glass trace: unknown subcommands and options are named with what was expected") {
    Run r = run({"frobnicate"});
    CHECK(r.status == 2);
    CHECK(r.err == "glass trace: unknown subcommand 'frobnicate'; expected info, dump, export, "
                   "stats, synth or record\n");
    r = run({"dump", "x.trace", "--colour"});
    CHECK(r.status == 2);
    CHECK(r.err.find("glass trace dump: unknown option '--colour'; expected one of --domain, "
                     "--type, --from, --count, --snapshot") == 0);
    r = run({"dump"});
    CHECK(r.err.find("glass trace dump: missing FILE; usage: glass trace dump") == 0);
    r = run({"dump", "x.trace", "--domain"});
    CHECK(r.err == "glass trace dump: option '--domain' expects a value (N) after it\n");
    r = run({"dump", "x.trace", "--domain", "70000"});
    CHECK(r.err == "glass trace dump: --domain expects a whole number from 0 to 65535, got "
                   "'70000'\n");
    r = run({"dump", "x.trace", "--type", "bogus"});
    CHECK(r.err.find("glass trace dump: --type expects a record type number or one of "
                     "hypercall-entry,") == 0);
    r = run({"export", "a", "b"});
    CHECK(r.err.find("expected a format option; the only one is --perfetto") != std::string::npos);
    r = run({"info", "a", "b"});
    CHECK(r.err.find("glass trace info: unexpected argument 'b'") == 0);
    r = run({"info", temp_path("missing")});
    CHECK(r.status == 1);
    CHECK(r.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("glass trace info, dump, stats and export on a synthetic trace") {
    TempTrace t;
    Run r = run({"info", t.path});
    CHECK(r.status == 0);
    CHECK(r.out.find("records:       5000 in 10 chunks") != std::string::npos);
    CHECK(r.out.find("integrity:     ok") != std::string::npos);

    r = run({"dump", t.path, "--from", "100", "--count", "3"});
    CHECK(r.status == 0);
    CHECK(r.out.rfind("#100 ", 0) == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);

    r = run({"dump", t.path, "--type", "hypercall-exit", "--domain", "2", "--count", "5"});
    CHECK(r.status == 0);
    std::istringstream lines(r.out);
    int n = 0;
    for (std::string line; std::getline(lines, line); n++) {
        CHECK(line.find(" d2 ") != std::string::npos);
        CHECK(line.find("hypercall-exit") != std::string::npos);
    }
    CHECK(n == 5);

    r = run({"dump", t.path, "--from", "5001"});
    CHECK(r.status == 2);
    CHECK(r.err.find("--from 5001 is past the last record (the trace has 5000)") !=
          std::string::npos);

    r = run({"stats", t.path});
    CHECK(r.status == 0);
    CHECK(r.out.find("mmu_update") != std::string::npos);
    CHECK(r.out.find("p99 ns") != std::string::npos);

    std::string json = temp_path("out.json");
    r = run({"export", "--perfetto", t.path, json});
    CHECK(r.status == 0);
    std::ifstream in(json);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("\"ph\":\"X\"") != std::string::npos);
    std::remove(json.c_str());
}

TEST_CASE("glass trace on a cut file: warns with the offset, shows what survived, exits 1") {
    TempTrace t;
    std::string cut = temp_path("cut.trace");
    {
        std::ifstream in(t.path, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    }
    Run r = run({"info", cut});
    CHECK(r.status == 1);
    CHECK(r.err.find("warning: " + cut + ": at byte ") != std::string::npos);
    CHECK(r.out.find("integrity:     damaged: at byte") != std::string::npos);
    r = run({"dump", cut, "--count", "1"});
    CHECK(r.out.rfind("#0 ", 0) == 0);
    std::remove(cut.c_str());
}
