// The fault-injection panel's table: the hypervisor's injection list as
// last read, when to read it again, and how each row reads. The control
// channel is a serial port, so the list is read on a schedule (twice a
// second, at once after an arm or cancel), never every frame.
#pragma once

#include "gui/model/typing_map.hpp"
#include "gui/session/control.hpp"

#include <optional>
#include <string>
#include <vector>

namespace glass::gui {

// The state cell's background (tests find these in screenshots, from
// --print-palette): waiting to fire, fired, cancelled; others unshaded.
constexpr Rgba kInjectArmed = rgba(200, 150, 30);
constexpr Rgba kInjectDone = rgba(50, 140, 80);
constexpr Rgba kInjectCancelled = rgba(100, 100, 120);
// 0 for states without a colour (active, holding: brief).
Rgba state_colour(const std::string& state);

class InjectionList {
  public:
    explicit InjectionList(double period_s = 0.5) : period_(period_s) {}

    // Whether to start a read at `now` (seconds): never read yet, a period
    // after the last read began, or an action asked for one.
    bool due(double now) const;
    void started(double now);
    void refresh_soon() { soon_ = true; }

    // A read's outcome. A failure keeps the last rows (shown as stale).
    void set(const Outcome<std::vector<Injection>>& r);
    const std::vector<Injection>& rows() const { return rows_; }
    const std::string& error() const { return error_; }
    bool read_once() const { return read_once_; }
    const Injection* find(u32 id) const;

    // Only an armed injection can be cancelled (the hypervisor refuses the rest).
    static bool cancellable(const Injection& i) { return i.state == "armed"; }
    // The detail number in the words of its effect: "rip 0xffff...",
    // "port 3", "held 50 ms", "sub-op 0", "ring index 7"; "" when none.
    static std::string detail_text(const Injection& i);

  private:
    double period_;
    std::optional<double> last_;
    bool soon_ = false;
    bool read_once_ = false;
    std::vector<Injection> rows_;
    std::string error_;
};

} // namespace glass::gui
