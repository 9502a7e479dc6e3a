#include "gui/session/scenario.hpp"

#include <fstream>
#include <sstream>

namespace glass::gui {

const std::vector<Scenario>& builtin_scenarios() {
    // demo: dom0 is the toolstack (it waits for its domUs forever); one domU
    // burns CPU, two play event-channel ping-pong, so the CPU time, event
    // channels and page tables in the panels visibly move.
    static const std::vector<Scenario> all = {
        {"demo",
         "dom0 + 3 domUs: a CPU spinner and an event-channel ping-pong pair",
         "loglvl=info",
         {{"guest/guest.elf", "start=1:32:1 start=2:16:1 start=3:16:1"},
          {"guest/guest.elf", "spin"},
          {"guest/guest.elf", "pong=3 rounds=1000000000"},
          {"guest/guest.elf", "ping=2 rounds=1000000000"}},
         512,
         2},
        {"spin",
         "dom0 + 1 spinning domU (the introspection test's scenario)",
         "loglvl=info",
         {{"guest/guest.elf", "start=1:16:1"}, {"guest/guest.elf", "spin"}},
         512,
         2},
        // disk: dom0 serves a RAM disk (blkback) to d1, which rewrites and
        // verifies it round after round, so its block ring always moves;
        // d2 beats so dom0 never sees all domUs finished and powers off.
        {"disk",
         "dom0 serves a RAM disk to a domU soaking it; a second domU beats",
         "loglvl=info",
         {{"guest/guest.elf", "start=1:16:1 start=2:16:1 blkback"},
          {"guest/guest.elf", "blk=250 blksoak=1000000"},
          {"guest/guest.elf", "beat=1000"}},
         512,
         2},
        // inject: d1 is the fault-injection observer (guest inject=MS), which
        // reports each injection it sees on its console; d2 beats so dom0
        // stays up even if an injected crash ends d1.
        {"inject",
         "the fault-injection observer (d1) and a beating bystander (d2)",
         "loglvl=info",
         {{"guest/guest.elf", "start=1:16:1 start=2:16:1"},
          {"guest/guest.elf", "inject=100"},
          {"guest/guest.elf", "beat=1000"}},
         512,
         2},
        {"idle", "dom0 alone, spinning", "loglvl=info", {{"guest/guest.elf", "spin"}}, 256, 1},
    };
    return all;
}

Outcome<Scenario> find_scenario(const std::string& name) {
    std::string known;
    for (const auto& s : builtin_scenarios()) {
        if (s.name == name) return s;
        known += (known.empty() ? "" : ", ") + s.name;
    }
    return Outcome<Scenario>::failure("no built-in scenario '" + name + "' (known: " + known +
                                      "; or give a scenario file)");
}

Outcome<Scenario> parse_scenario(const std::string& text, const std::string& origin) {
    Scenario s;
    s.name = origin;
    std::istringstream in(text);
    std::string line;
    for (unsigned n = 1; std::getline(in, line); n++) {
        size_t hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream words(line);
        std::string key;
        if (!(words >> key)) continue;
        std::string rest;
        std::getline(words, rest);
        size_t first = rest.find_first_not_of(" \t");
        rest = first == std::string::npos ? "" : rest.substr(first);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
            rest.pop_back();
        auto bad = [&](const std::string& why) {
            return Outcome<Scenario>::failure(origin + ":" + std::to_string(n) + ": " + why);
        };
        auto number = [&](unsigned& out, unsigned lo, unsigned hi) {
            char* end = nullptr;
            unsigned long v = std::strtoul(rest.c_str(), &end, 10);
            if (rest.empty() || *end || v < lo || v > hi) return false;
            out = static_cast<unsigned>(v);
            return true;
        };
        if (key == "name") {
            s.name = rest;
        } else if (key == "memory") {
            if (!number(s.memory_mb, 64, 1 << 20)) return bad("memory wants MiB (64..1048576)");
        } else if (key == "smp") {
            if (!number(s.smp, 1, 64)) return bad("smp wants 1..64 CPUs");
        } else if (key == "hv-args") {
            s.hv_args = rest;
        } else if (key == "module") {
            if (rest.empty()) return bad("module wants a path and its command line");
            size_t sp = rest.find_first_of(" \t");
            std::string path = rest.substr(0, sp);
            std::string args = sp == std::string::npos ? "" : rest.substr(sp + 1);
            s.modules.emplace_back(path, args);
        } else {
            return bad("unknown key '" + key + "' (name, memory, smp, hv-args, module)");
        }
    }
    if (s.modules.empty()) return Outcome<Scenario>::failure(origin + ": no module lines");
    return s;
}

Outcome<Scenario> load_scenario_file(const std::string& path) {
    std::ifstream f(path);
    if (!f) return Outcome<Scenario>::failure("cannot read scenario file " + path);
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_scenario(ss.str(), path);
}

std::vector<std::string> launch_command(const Scenario& s, const LaunchPaths& paths,
                                        const Endpoints& ends) {
    auto in_build = [&](const std::string& p) {
        return !p.empty() && p[0] == '/' ? p : paths.build_dir + "/" + p;
    };
    // The harness wires COM2 (stock gdb) and COM3 (the control channel) as
    // TCP sockets and adds gdb=com2 / control=com3 to the hypervisor's line.
    std::vector<std::string> argv = {
        paths.python,     paths.source_dir + "/tests/boot/glasshouse_qemu.py",
        "--hv",           in_build("hv/hv.bin"),
        "--hv-args",      s.hv_args,
        "--memory",       std::to_string(s.memory_mb),
        "--smp",          std::to_string(s.smp),
        "--print-command"};
    if (!ends.mem_path.empty()) {
        argv.push_back("--shared-memory");
        argv.push_back(ends.mem_path);
    }
    if (ends.gdb_port) {
        argv.push_back("--gdb-port");
        argv.push_back(std::to_string(ends.gdb_port));
    }
    if (ends.control_port) {
        argv.push_back("--control-port");
        argv.push_back(std::to_string(ends.control_port));
    }
    for (const auto& [path, args] : s.modules) {
        argv.push_back("--module");
        argv.push_back(in_build(path) + (args.empty() ? "" : " " + args));
    }
    return argv;
}

} // namespace glass::gui
