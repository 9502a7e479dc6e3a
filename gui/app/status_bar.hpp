// The status bar at the bottom of the window: what the workbench is
// connected to (launched / attached / trace), which domains are paused,
// how fresh the state is, the control channel, and the latest message.
#pragma once

#include "gui/model/typing_map.hpp"

namespace glass::gui {

// The "PAUSED: d1, d3" badge (GUI tests look for it in screenshots).
constexpr Rgba kPausedBadge = rgba(242, 89, 77);

class Workbench;
float status_bar_height();
void draw_status_bar(Workbench& wb, float y, float width, float fps);

} // namespace glass::gui
