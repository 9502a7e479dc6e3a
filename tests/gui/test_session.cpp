#include "gui/model/domains_view.hpp"
#include "gui/session/console_log.hpp"
#include "gui/session/scenario.hpp"
#include <tuple>

#include <catch2/catch.hpp>

#include <algorithm>
#include <tuple>

using namespace glass;
using namespace glass::gui;

TEST_CASE("console lines go to the domain that wrote them", "[gui][console]") {
    CHECK(ConsoleLog::source_of("(d0) Glasshouse guest: hello") == 0);
    CHECK(ConsoleLog::source_of("(d12) x") == 12);
    CHECK(ConsoleLog::source_of("hv: domain 1 shut down") == ConsoleLog::kHypervisor);
    CHECK(ConsoleLog::source_of("(d) x") == ConsoleLog::kHypervisor);
    CHECK(ConsoleLog::source_of("(dx) x") == ConsoleLog::kHypervisor);
    ConsoleLog log(3);
    for (int i = 0; i < 5; i++)
        log.add("(d1) line " + std::to_string(i));
    log.add("hv: hello");
    uint64_t total = 0;
    auto d1 = log.lines(1, &total);
    CHECK(total == 5);
    CHECK(d1 == std::vector<std::string>{"(d1) line 2", "(d1) line 3", "(d1) line 4"});
    CHECK(log.lines(ConsoleLog::kHypervisor).size() == 1);
    CHECK(log.all().back() == "hv: hello");
}

TEST_CASE("scenario files parse with precise errors", "[gui][scenario]") {
    auto s = parse_scenario("# two domains\nname pair\nmemory 256\nsmp 1\n"
                            "module guest/guest.elf start=1:16:1\nmodule /abs/guest.elf spin\n",
                            "pair.scn");
    REQUIRE(s.ok());
    CHECK(s->name == "pair");
    CHECK(s->memory_mb == 256);
    REQUIRE(s->modules.size() == 2);
    CHECK(s->modules[0].second == "start=1:16:1");
    auto bad = parse_scenario("memory lots\nmodule x", "b.scn");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error() == "b.scn:1: memory wants MiB (64..1048576)");
    CHECK_FALSE(parse_scenario("name x\n", "e.scn").ok());
    CHECK(find_scenario("demo").ok());
    CHECK(find_scenario("nope").error().find("known: demo") != std::string::npos);
}

TEST_CASE("the launch command wires RAM file and serial sockets", "[gui][scenario]") {
    Scenario sc = *find_scenario("spin");
    LaunchPaths p{"/src", "/bld", "python3"};
    Endpoints e{"/dev/shm/x.ram", 1234, 1235};
    auto argv = launch_command(sc, p, e);
    auto has = [&](const std::string& a) {
        return std::find(argv.begin(), argv.end(), a) != argv.end();
    };
    CHECK(argv[1] == "/src/tests/boot/glasshouse_qemu.py");
    CHECK(has("--print-command"));
    CHECK(has("/bld/hv/hv.bin"));
    CHECK(has("/dev/shm/x.ram"));
    CHECK(has("/bld/guest/guest.elf start=1:16:1"));
    auto after = [&](const std::string& a) {
        auto it = std::find(argv.begin(), argv.end(), a);
        return it == argv.end() || it + 1 == argv.end() ? std::string() : it[1];
    };
    CHECK(after("--gdb-port") == "1234");
    CHECK(after("--control-port") == "1235");
    CHECK(after("--hv-args") == "loglvl=info");
}

TEST_CASE("domain rows carry CPU share between snapshots", "[gui][domains]") {
    DomainsSnapshot s;
    DomainSnapshot d;
    d.id = 1;
    d.state = "running";
    d.nr_pages = 4096;
    VcpuSnapshot v;
    v.state = "running";
    v.runstate_ns[0] = 1'000'000'000;
    d.vcpus.push_back(v);
    s.domains.push_back(d);
    DomainsView view;
    view.update(s, 10'000'000'000);
    REQUIRE(view.rows().size() == 1);
    CHECK(view.rows()[0].cpu_pct == 0);
    CHECK(view.rows()[0].mem_kib == 16384);
    s.domains[0].vcpus[0].runstate_ns[0] += 250'000'000; // a quarter of the next second
    s.domains[0].state = "paused";
    view.update(s, 11'000'000'000);
    CHECK(view.rows()[0].cpu_pct == Approx(25.0));
    CHECK(view.rows()[0].paused);
    CHECK(view.find(1) != nullptr);
    CHECK(view.find(2) == nullptr);
}

// A vCPU that runs `run_ms` then waits `wait_ms`, over and over, read as
// the hypervisor publishes it: runstate totals that grow only when a stint
// ends, and a clock (phys.IntrospectClock) that moves in 10 ms steps.
static DomainsSnapshot duty_cycle_at(u64 t_ns, u64 run_ms, u64 wait_ms) {
    const u64 ms = 1'000'000, period = (run_ms + wait_ms) * ms;
    u64 done = t_ns / period, into = t_ns % period;
    VcpuSnapshot v;
    v.state = "running";
    v.runstate_ns[0] = done * run_ms * ms;
    v.runstate_ns[1] = done * wait_ms * ms;
    if (into < run_ms * ms) {
        v.runstate = "running";
        v.state_entry_ns = done * period;
    } else {
        v.runstate = "runnable";
        v.runstate_ns[0] += run_ms * ms;
        v.state_entry_ns = done * period + run_ms * ms;
    }
    DomainSnapshot d;
    d.id = 1;
    d.state = "running";
    d.vcpus.push_back(v);
    DomainsSnapshot s;
    s.now_ns = t_ns / (10 * ms) * (10 * ms);
    s.domains.push_back(d);
    return s;
}

TEST_CASE("CPU share is measured on the hypervisor's clock, over a second", "[gui][domains]") {
    // 60 Hz reads over 3 s. Measured per read against host time, a spinner
    // showed 0 % most of the time and 190 % at each preemption.
    for (auto [run, wait, want] : {std::tuple{30, 0, 100.0}, {30, 30, 50.0}, {10, 30, 25.0}}) {
        DomainsView view;
        double lo = 1e9, hi = 0;
        for (u64 t = 0; t < 3'000'000'000; t += 16'666'667) {
            view.update(duty_cycle_at(t, u64(run), u64(wait)), 0);
            if (t < DomainsView::kWindowNs + 20'000'000) continue;
            lo = std::min(lo, view.rows()[0].cpu_pct);
            hi = std::max(hi, view.rows()[0].cpu_pct);
        }
        INFO(run << " ms on, " << wait << " ms off");
        CHECK(lo > want - 4);
        CHECK(hi < want + 4);
        CHECK(hi <= 100.0 + 1.0); // one vCPU never shows more than one CPU
    }
}

#include "gui/session/client_control.hpp"

TEST_CASE("register replies decode little-endian and skip unavailable ones", "[gui][control]") {
    std::string g;
    // rax = 0x1122334455667788, everything else 0, st0-7 and x87 control
    // words included as the stub sends them; cr0 marked unavailable.
    g += "8877665544332211";
    for (unsigned r = 1; r < gdb::kRegCount; r++)
        g += std::string(gdb::reg_size(r) * 2, r == gdb::kCr0 ? 'x' : (r == gdb::kRip ? '1' : '0'));
    auto regs = parse_register_reply(g);
    REQUIRE(regs.ok());
    CHECK(regs->front().first == std::string(gdb::reg_info(gdb::kRax).name));
    CHECK(regs->front().second == 0x1122334455667788ull);
    bool has_cr0 = false, has_st0 = false;
    for (const auto& [name, value] : *regs) {
        if (name == gdb::reg_info(gdb::kCr0).name) has_cr0 = true;
        if (name == gdb::reg_info(gdb::kSt0).name) has_st0 = true;
        if (name == gdb::reg_info(gdb::kRip).name) CHECK(value == 0x1111111111111111ull);
    }
    CHECK_FALSE(has_cr0);
    CHECK_FALSE(has_st0);
    CHECK_FALSE(parse_register_reply(g.substr(0, 40)).ok());
    CHECK_FALSE(parse_register_reply("zz" + g.substr(2)).ok());
}
