#include "gui/app/options.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace glass::gui {

const char* usage() {
    return "usage: glass-workbench [CONNECTION] [OPTIONS]\n"
           "connection (default: choose in the window):\n"
           "  --launch [SCENARIO|FILE]  boot a scenario in QEMU (default 'demo'; "
           "--list-scenarios)\n"
           "  --attach                  attach to a running Glasshouse:\n"
           "      --mem FILE            its guest-RAM file (default $GLASS_MEM or "
           "/dev/shm/glasshouse.ram)\n"
           "      --hv-elf FILE         hv.elf, to find the root by symbol (default: scan)\n"
           "      --control HOST:PORT   its control channel (COM3)\n"
           "  --trace FILE              open a recorded trace (replay mode)\n"
           "options:\n"
           "  --ini FILE                layout file (default ~/.config/glasshouse/workbench.ini)\n"
           "  --size WxH                window size (default: fit the screen)\n"
           "  --font-size PX            text size (default by window height)\n"
           "  --open PANEL              open and focus a panel (repeatable)\n"
           "  --script 'STEPS'|@FILE    scripted actions (see gui/README.md)\n"
           "  --screenshot PNG --after-frames N   save the window after N frames, then quit\n"
           "  --bench-frames N          render N frames unthrottled, print frame times\n"
           "  --hidden                  no visible window (needs a display still)\n"
           "  --fps N                   frame-rate cap (default 60)\n"
           "  --print-palette           the map's and status bar's colours (for tests)\n";
}

Outcome<AppOptions> parse_options(int argc, char** argv) {
    using R = Outcome<AppOptions>;
    AppOptions o;
    o.paths.source_dir = GLASS_SOURCE_DIR;
    o.paths.build_dir = GLASS_BUILD_DIR;
    if (const char* m = std::getenv("GLASS_MEM")) o.attach.mem_path = m;
    if (const char* e = std::getenv("GLASS_HV_ELF")) o.attach.hv_elf = e;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        auto number = [&](long& out, long lo, long hi) {
            std::string v;
            if (!value(v)) return false;
            char* end = nullptr;
            long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end || n < lo || n > hi) return false;
            out = n;
            return true;
        };
        long n = 0;
        if (a == "--help" || a == "-h") return R::failure("help");
        if (a == "--list-scenarios") return R::failure("list-scenarios");
        if (a == "--print-palette") return R::failure("print-palette");
        if (a == "--launch") {
            o.mode = AppOptions::Mode::Launch;
            if (i + 1 < argc && argv[i + 1][0] != '-') o.scenario = argv[++i];
        } else if (a == "--attach") {
            o.mode = AppOptions::Mode::Attach;
        } else if (a == "--mem") {
            if (!value(o.attach.mem_path)) return R::failure("--mem wants a file");
        } else if (a == "--hv-elf") {
            if (!value(o.attach.hv_elf)) return R::failure("--hv-elf wants a file");
        } else if (a == "--control") {
            if (!value(o.attach.control)) return R::failure("--control wants HOST:PORT");
        } else if (a == "--trace") {
            o.mode = AppOptions::Mode::Trace;
            if (!value(o.trace)) return R::failure("--trace wants a trace file");
        } else if (a == "--ini") {
            if (!value(o.ini)) return R::failure("--ini wants a file");
        } else if (a == "--size") {
            std::string v;
            int w = 0, h = 0;
            char x = 0;
            std::istringstream in(value(v) ? v : "");
            if (!(in >> w >> x >> h) || x != 'x' || w < 320 || h < 240 || w > 8192 || h > 8192)
                return R::failure("--size wants WIDTHxHEIGHT, e.g. 1280x720");
            o.width = w;
            o.height = h;
        } else if (a == "--font-size") {
            if (!number(n, 8, 64)) return R::failure("--font-size wants 8..64 pixels");
            o.font_size = static_cast<float>(n);
        } else if (a == "--open") {
            std::string p;
            if (!value(p)) return R::failure("--open wants a panel name");
            o.open.push_back(p);
        } else if (a == "--script") {
            std::string s;
            if (!value(s)) return R::failure("--script wants steps or @FILE");
            if (!s.empty() && s[0] == '@') {
                std::ifstream f(s.substr(1));
                if (!f) return R::failure("cannot read script file " + s.substr(1));
                std::stringstream ss;
                ss << f.rdbuf();
                s = ss.str();
            }
            o.script = s;
        } else if (a == "--screenshot") {
            if (!value(o.screenshot)) return R::failure("--screenshot wants a PNG file name");
        } else if (a == "--after-frames") {
            if (!number(o.after_frames, 1, 1000000))
                return R::failure("--after-frames wants a number of frames");
        } else if (a == "--bench-frames") {
            if (!number(o.bench_frames, 1, 1000000))
                return R::failure("--bench-frames wants a number of frames");
        } else if (a == "--hidden") {
            o.hidden = true;
        } else if (a == "--fps") {
            if (!number(n, 1, 1000)) return R::failure("--fps wants 1..1000");
            o.fps = static_cast<unsigned>(n);
        } else {
            return R::failure("unknown option '" + a + "' (--help lists them)");
        }
    }
    if (!o.screenshot.empty() && !o.after_frames) o.after_frames = 10;
    return o;
}

} // namespace glass::gui
