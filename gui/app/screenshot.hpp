// Saves the current OpenGL back buffer as a PNG (what the user would see
// after the next swap): GUI tests check its pixels, the README shows it.
#pragma once

#include "introspect/lib/outcome.hpp"

#include <string>

namespace glass::gui {

struct Saved {};
Outcome<Saved> save_screenshot(const std::string& path, int width, int height);

} // namespace glass::gui
