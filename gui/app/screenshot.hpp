// Saves the current OpenGL back buffer as a PNG (what the user would see
// after the next swap): GUI tests check its pixels, the README shows it.
#pragma once

#include "introspect/lib/outcome.hpp"

#include <string>

namespace glass::gui {

struct Saved {};
// The whole window (width x height), or the part [x, x+w) x [y, y+h) in
// window coordinates (top-left origin) when w and h are given.
Outcome<Saved> save_screenshot(const std::string& path, int width, int height, int x = 0,
                               int y = 0, int w = 0, int h = 0);

} // namespace glass::gui
