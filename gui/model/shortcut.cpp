#include "gui/model/shortcut.hpp"

#include <cctype>

namespace glass::gui {

namespace {

struct Named {
    const char* name;
    int key;
};
constexpr Named kNamed[] = {
    {"up", kKeyUp}, {"down", kKeyDown}, {"esc", kKeyEscape}, {"escape", kKeyEscape}};

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::optional<Chord> parse_chord(const std::string& text) {
    Chord c;
    std::string s = lower(text);
    size_t start = 0;
    for (;;) {
        size_t plus = s.find('+', start);
        std::string part = s.substr(start, plus - start);
        if (plus == std::string::npos) {
            if (part.size() == 1 && std::isalnum(static_cast<unsigned char>(part[0]))) {
                c.key = std::toupper(static_cast<unsigned char>(part[0]));
                return c;
            }
            if (part.size() >= 2 && part[0] == 'f') {
                int n = 0;
                for (size_t i = 1; i < part.size(); i++) {
                    if (!std::isdigit(static_cast<unsigned char>(part[i]))) return std::nullopt;
                    n = n * 10 + (part[i] - '0');
                }
                if (n < 1 || n > 12) return std::nullopt;
                c.key = kKeyF1 + n - 1;
                return c;
            }
            for (const auto& n : kNamed)
                if (part == n.name) {
                    c.key = n.key;
                    return c;
                }
            return std::nullopt;
        }
        if (part == "ctrl")
            c.mods |= Chord::Ctrl;
        else if (part == "shift")
            c.mods |= Chord::Shift;
        else if (part == "alt")
            c.mods |= Chord::Alt;
        else
            return std::nullopt;
        start = plus + 1;
    }
}

std::string chord_name(const Chord& c) {
    std::string s;
    if (c.mods & Chord::Ctrl) s += "Ctrl+";
    if (c.mods & Chord::Shift) s += "Shift+";
    if (c.mods & Chord::Alt) s += "Alt+";
    if (c.key >= kKeyF1 && c.key < kKeyF1 + 12) return s + "F" + std::to_string(c.key - kKeyF1 + 1);
    for (const auto& n : kNamed)
        if (c.key == n.key) {
            std::string name = n.name;
            name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
            return s + name;
        }
    return s + static_cast<char>(c.key);
}

} // namespace glass::gui
