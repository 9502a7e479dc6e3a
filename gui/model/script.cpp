#include "gui/model/script.hpp"

#include <cstdlib>
#include <sstream>

namespace glass::gui {

namespace {

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t\r\n");
    if (a == std::string::npos) return "";
    size_t b = s.find_last_not_of(" \t\r\n");
    return s.substr(a, b - a + 1);
}

bool number(const std::string& s, long& out) {
    if (s.empty()) return false;
    char* end = nullptr;
    long v = std::strtol(s.c_str(), &end, 10);
    if (*end || v < 0) return false;
    out = v;
    return true;
}

} // namespace

Outcome<std::vector<ScriptStep>> parse_script(const std::string& text) {
    using R = Outcome<std::vector<ScriptStep>>;
    using K = ScriptStep::Kind;
    std::vector<ScriptStep> steps;
    std::string item;
    std::vector<std::string> items;
    for (char c : text) {
        if (c == ';' || c == '\n') {
            items.push_back(item);
            item.clear();
        } else {
            item += c;
        }
    }
    items.push_back(item);
    unsigned index = 0;
    for (const auto& raw : items) {
        std::string s = trim(raw);
        if (s.empty() || s[0] == '#') continue;
        index++;
        size_t sp = s.find_first_of(" \t");
        std::string verb = s.substr(0, sp);
        std::string rest = sp == std::string::npos ? "" : trim(s.substr(sp));
        auto bad = [&](const std::string& why) {
            return R::failure("step " + std::to_string(index) + " '" + s + "': " + why);
        };
        ScriptStep st;
        // "VERB N [LIMIT]": LIMIT frames before a wait gives up (default 3000).
        auto with_limit = [&](K kind) -> bool {
            st.kind = kind;
            std::istringstream in(rest);
            std::string a, b, extra;
            in >> a >> b >> extra;
            st.limit = 3000;
            if (!number(a, st.n) || (!b.empty() && !number(b, st.limit)) || !extra.empty())
                return false;
            return true;
        };
        if (verb == "wait") {
            st.kind = K::Wait;
            if (!number(rest, st.n)) return bad("wait wants a number of frames");
        } else if (verb == "wait-domains") {
            if (!with_limit(K::WaitDomains)) return bad("wait-domains wants N [FRAMES]");
        } else if (verb == "wait-paused") {
            if (!with_limit(K::WaitPaused)) return bad("wait-paused wants DOMID [FRAMES]");
        } else if (verb == "wait-running") {
            if (!with_limit(K::WaitRunning)) return bad("wait-running wants DOMID [FRAMES]");
        } else if (verb == "focus") {
            st.kind = K::Focus;
            st.text = rest;
            if (rest.empty()) return bad("focus wants a panel name");
        } else if (verb == "select") {
            st.kind = K::Select;
            if (!number(rest, st.n) || st.n > 0x7fef) return bad("select wants a domain id");
        } else if (verb == "pause" || verb == "unpause") {
            st.kind = verb == "pause" ? K::Pause : K::Unpause;
            if (!number(rest, st.n) || st.n > 0x7fef) return bad(verb + " wants a domain id");
        } else if (verb == "screenshot") {
            st.kind = K::Screenshot;
            st.text = rest;
            if (rest.empty()) return bad("screenshot wants a file name");
        } else if (verb == "screenshot-panel") {
            // "screenshot-panel Memory map: out.png": the panel's tile only.
            st.kind = K::Screenshot;
            size_t colon = rest.rfind(':');
            if (colon == std::string::npos || colon == 0)
                return bad("screenshot-panel wants PANEL: FILE.png");
            st.panel = trim(rest.substr(0, colon));
            st.text = trim(rest.substr(colon + 1));
            if (st.panel.empty() || st.text.empty())
                return bad("screenshot-panel wants PANEL: FILE.png");
        } else if (verb == "resize") {
            st.kind = K::Resize;
            std::istringstream in(rest);
            std::string w, h, extra;
            in >> w >> h >> extra;
            if (!number(w, st.n) || !number(h, st.m) || !extra.empty() || st.n < 320 ||
                st.m < 240 || st.n > 8192 || st.m > 8192)
                return bad("resize wants WIDTH HEIGHT (320x240 .. 8192x8192)");
        } else if (verb == "key") {
            st.kind = K::Key;
            st.text = rest;
            if (rest.empty()) return bad("key wants a shortcut, e.g. ctrl+p");
        } else if (verb == "panel") {
            st.kind = K::Panel;
            st.text = rest;
            // Panel commands may wait for a trace to load: generous limit.
            st.limit = 100000;
            const size_t colon = rest.find(':');
            if (colon == std::string::npos || colon == 0 || trim(rest.substr(colon + 1)).empty())
                return bad("panel wants NAME: COMMAND");
        } else if (verb == "frame-class") {
            st.kind = K::FrameClass;
            std::istringstream in(rest);
            std::string cls, dom, extra;
            in >> cls >> dom >> extra;
            st.text = cls;
            st.m = dom.empty() ? 0 : 1;
            st.limit = 600;
            if (cls.empty() || (!dom.empty() && !number(dom, st.n)) || !extra.empty())
                return bad("frame-class wants CLASS [DOMAIN]");
        } else if (verb == "va") {
            st.kind = K::Va;
            char* end = nullptr;
            std::string hex = rest.rfind("0x", 0) == 0 ? rest.substr(2) : rest;
            unsigned long long v = std::strtoull(hex.c_str(), &end, 16);
            if (hex.empty() || *end) return bad("va wants a hex address");
            st.n = static_cast<long>(v);
        } else if (verb == "quit") {
            st.kind = K::Quit;
            if (!rest.empty()) return bad("quit takes nothing");
        } else {
            return bad("unknown step (wait, wait-domains, wait-paused, wait-running, focus, "
                       "select, pause, unpause, screenshot, screenshot-panel, resize, key, "
                       "frame-class, va, panel, quit)");
        }
        steps.push_back(st);
    }
    return steps;
}

} // namespace glass::gui
