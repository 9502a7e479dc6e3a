// A scenario: what to boot (hypervisor options, boot modules with their
// command lines, machine size) and how the workbench reaches it (guest RAM
// in a shared file, the gdb and control sockets). launch_command() builds
// the command line for tests/boot/glasshouse_qemu.py, the one place that
// knows QEMU's options, as scripts/run.sh uses it.
#pragma once

#include "introspect/lib/outcome.hpp"

#include <string>
#include <utility>
#include <vector>

namespace glass::gui {

struct Scenario {
    std::string name;
    std::string description;
    std::string hv_args = "loglvl=info";
    // Boot modules in order, the first is dom0's kernel: a path (relative
    // paths are inside the build directory) and its command line.
    std::vector<std::pair<std::string, std::string>> modules;
    unsigned memory_mb = 512;
    unsigned smp = 2;
};

// The built-in scenarios ("demo" first: the default).
const std::vector<Scenario>& builtin_scenarios();
Outcome<Scenario> find_scenario(const std::string& name);
// A scenario file: "name N", "memory MB", "smp N", "hv-args ...",
// "module PATH ARGS..." lines; '#' starts a comment.
Outcome<Scenario> parse_scenario(const std::string& text, const std::string& origin);
Outcome<Scenario> load_scenario_file(const std::string& path);

struct LaunchPaths {
    std::string source_dir; // for tests/boot/glasshouse_qemu.py
    std::string build_dir;  // hv/hv.bin, guest images
    std::string python = "python3";
};

struct Endpoints {
    std::string mem_path;      // guest RAM file (in /dev/shm)
    unsigned gdb_port = 0;     // COM2: stock gdb's connection
    unsigned control_port = 0; // COM3: the tools' control channel
};

// argv that makes glasshouse_qemu.py print the QEMU command (NUL-separated)
// for the workbench to run itself: QEMU's stdout is the serial console
// (COM1), and QEMU stays in the workbench's process group.
std::vector<std::string> launch_command(const Scenario& s, const LaunchPaths& paths,
                                        const Endpoints& ends);

} // namespace glass::gui
