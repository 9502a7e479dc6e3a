// How fast the workbench draws. Under software rendering (llvmpipe) a
// 1920x1080 frame costs ~15 ms of CPU, so 60 frames a second took a whole
// core of the 2 the watched QEMU also needs: the observer slowed the
// system it observes. The window keeps full rate while the user acts or
// something animates, and after a second of neither draws at the idle rate
// (still every new state read shows within 1/idle_fps; input wakes it at
// once, see App::run).
#pragma once

namespace glass::gui {

class FramePacer {
  public:
    explicit FramePacer(double active_fps, double idle_fps = 10, double idle_after_s = 1.0);
    // Once per frame, at `now` seconds: whether the user did anything this
    // frame, whether a panel animates (a replay playing, flashes fading),
    // and whether full rate is forced (a script, a benchmark).
    void frame(double now, bool input, bool animating, bool forced);
    bool idle() const { return idle_; }
    // Seconds the frame may take before the next one starts.
    double budget() const { return idle_ ? 1.0 / idle_fps_ : 1.0 / active_fps_; }

  private:
    double active_fps_, idle_fps_, idle_after_s_;
    double last_busy_ = 0;
    bool idle_ = false;
};

} // namespace glass::gui
