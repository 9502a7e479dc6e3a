// The workbench's command line.
#pragma once

#include "gui/session/session.hpp"

#include <string>
#include <vector>

namespace glass::gui {

struct AppOptions {
    enum class Mode { Choose, Launch, Attach, Trace } mode = Mode::Choose;
    std::string scenario = "demo"; // a built-in name or a scenario file
    AttachOptions attach;
    std::string trace;
    LaunchPaths paths;

    std::string ini;           // layout file; empty = per-user default
    int width = 0, height = 0; // 0 = fit the monitor
    float font_size = 0;       // 0 = by window size
    bool hidden = false;       // no visible window (benchmarks)
    std::string script;        // scripted actions (gui/model/script.hpp)
    std::string screenshot;
    long after_frames = 0;
    long bench_frames = 0; // render N frames as fast as possible, print times
    unsigned fps = 60;
    std::vector<std::string> open; // panels to open and focus at start
};

// Errors are full sentences; "help" as the error means --help was asked.
Outcome<AppOptions> parse_options(int argc, char** argv);
const char* usage();

} // namespace glass::gui
