// glass-workbench: the Glasshouse workbench. Parses the command line, sets
// up the session (launch, attach, trace or none), and hands over to the
// window (gui/app/app.hpp).
#include "gui/app/app.hpp"
#include "gui/app/options.hpp"
#include "gui/app/status_bar.hpp"
#include "gui/app/stop_signals.hpp"
#include "gui/model/injection_list.hpp"
#include "gui/model/rings_view.hpp"
#include "gui/model/typing_map.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace glass::gui;

namespace {

// Colours tests look for in screenshots: the map's frame classes, the
// paused badge, the I/O rings, the injection states. Printed from the same constants the drawing
// uses.
void print_palette() {
    auto rgb = [](const char* name, glass::gui::Rgba c) {
        std::printf("%s %u %u %u\n", name, c & 0xff, c >> 8 & 0xff, c >> 16 & 0xff);
    };
    for (unsigned c = 0; c < glass::kFrameClasses; c++) {
        auto k = static_cast<glass::FrameClass>(c);
        rgb(glass::frame_class_name(k), class_colour(k));
    }
    rgb("paused-badge", kPausedBadge);
    rgb("ring-console", kRingConsole);
    rgb("ring-store", kRingStore);
    rgb("ring-blkif", kRingBlkif);
    rgb("ring-outstanding", kRingOutstanding);
    rgb("ring-producer", kRingProducer);
    rgb("ring-consumer", kRingConsumer);
    rgb("inject-armed", kInjectArmed);
    rgb("inject-done", kInjectDone);
    rgb("inject-cancelled", kInjectCancelled);
}

} // namespace

int main(int argc, char** argv) {
    auto opts = parse_options(argc, argv);
    if (!opts.ok()) {
        if (opts.error() == "help") {
            std::fputs(usage(), stdout);
            return 0;
        }
        if (opts.error() == "list-scenarios") {
            for (const auto& s : builtin_scenarios())
                std::printf("%-8s %s\n", s.name.c_str(), s.description.c_str());
            return 0;
        }
        if (opts.error() == "print-palette") {
            print_palette();
            return 0;
        }
        std::fprintf(stderr, "glass-workbench: %s\n", opts.error().c_str());
        return 2;
    }
    install_stop_signals();
    std::unique_ptr<Session> session = std::make_unique<Session>();
    switch (opts->mode) {
    case AppOptions::Mode::Choose:
        break;
    case AppOptions::Mode::Launch: {
        auto sc = find_scenario(opts->scenario);
        if (!sc.ok() && opts->scenario.find('/') != std::string::npos)
            sc = load_scenario_file(opts->scenario);
        if (!sc.ok()) {
            std::fprintf(stderr, "glass-workbench: %s\n", sc.error().c_str());
            return 2;
        }
        auto s = Session::launch(*sc, opts->paths);
        if (!s.ok()) {
            std::fprintf(stderr, "glass-workbench: %s\n", s.error().c_str());
            return 1;
        }
        session = std::move(*s);
        break;
    }
    case AppOptions::Mode::Attach: {
        auto s = Session::attach(opts->attach);
        if (!s.ok()) {
            std::fprintf(stderr, "glass-workbench: %s\n", s.error().c_str());
            return 1;
        }
        session = std::move(*s);
        break;
    }
    case AppOptions::Mode::Trace: {
        // A file that cannot be opened at all is said here, as --attach
        // does; what is wrong inside one shows in the window as it loads.
        struct stat st {};
        const char* why = nullptr;
        if (stat(opts->trace.c_str(), &st) != 0)
            why = std::strerror(errno);
        else if (!S_ISREG(st.st_mode))
            why = "not a regular file";
        else if (access(opts->trace.c_str(), R_OK) != 0)
            why = std::strerror(errno);
        if (why) {
            std::fprintf(stderr, "glass-workbench: cannot open trace %s: %s\n", opts->trace.c_str(),
                         why);
            return 1;
        }
        session = Session::open_trace(opts->trace);
        break;
    }
    }
    Workbench wb(std::move(session));
    wb.launch_paths = opts->paths;
    App app(*opts, wb);
    if (!app.init()) return 1;
    for (const auto& p : opts->open)
        app.focus_panel(p);
    return app.run();
}
