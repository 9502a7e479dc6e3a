// Keyboard chords as data: "ctrl+shift+p" <-> {mods, key}. Keys use GLFW's
// codes ('A'..'Z', '0'..'9' are ASCII; F1..F12 from 290), so the shell can
// match them against ImGui's key state and scripts can press them.
#pragma once

#include <optional>
#include <string>

namespace glass::gui {

struct Chord {
    enum : unsigned { Ctrl = 1, Shift = 2, Alt = 4 };
    unsigned mods = 0;
    int key = 0;
    bool operator==(const Chord&) const = default;
};

constexpr int kKeyF1 = 290; // GLFW_KEY_F1; F2..F12 follow
constexpr int kKeyUp = 265, kKeyDown = 264, kKeyEscape = 256;

std::optional<Chord> parse_chord(const std::string& text);
std::string chord_name(const Chord& c); // "Ctrl+Shift+P"

} // namespace glass::gui
