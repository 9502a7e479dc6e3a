#include "gui/model/frame_pacing.hpp"

#include <algorithm>

namespace glass::gui {

FramePacer::FramePacer(double active_fps, double idle_fps, double idle_after_s)
    : active_fps_(active_fps), idle_fps_(std::min(idle_fps, active_fps)),
      idle_after_s_(idle_after_s) {}

void FramePacer::frame(double now, bool input, bool animating, bool forced) {
    if (input || animating || forced) last_busy_ = now;
    idle_ = now - last_busy_ >= idle_after_s_;
}

} // namespace glass::gui
