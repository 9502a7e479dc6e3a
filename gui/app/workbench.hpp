// What every panel shares: the session (connection, state, control), the
// state of this frame, the current selection, and requests to the shell
// (focus a panel, show a message). Plain data and small helpers: panels
// own their own view state, the shell owns windows.
#pragma once

#include "gui/session/session.hpp"

#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace glass::gui {

struct Selection {
    std::optional<u16> domain;
    u32 vcpu = 0;
    std::optional<u64> frame; // machine frame number
    std::optional<u64> va;    // guest-virtual address (disassembly, page tables)
};

struct Message {
    std::string text;
    bool error = false;
    double at = 0; // seconds since start
};

class Workbench {
  public:
    explicit Workbench(std::unique_ptr<Session> s) : session_(std::move(s)) {}

    Session& session() { return *session_; }
    void replace_session(std::unique_ptr<Session> s);

    // The state drawn this frame (set by the shell once per frame; null
    // when there is no state source yet).
    const StateFrame* state() const { return frame_.get(); }
    void begin_frame(double now);
    double now() const { return now_; }

    Selection selection;
    // Where scenarios launched from the window find the harness and images.
    LaunchPaths launch_paths;

    // Status-bar messages (the newest shows; errors in red).
    void notify(std::string text, bool error = false);
    const std::deque<Message>& messages() const { return messages_; }

    // Control actions, reported in the status bar either way.
    bool pause(u16 domid);
    bool unpause(u16 domid);
    bool destroy(u16 domid);
    // The domain's state in this frame's snapshot, "" when unknown.
    std::string domain_state(u16 domid) const;

    // A panel that moves on its own (a replay playing, flashes fading)
    // says so each frame it does: the window then keeps full frame rate
    // instead of idling (gui/model/frame_pacing.hpp).
    void animate() { animating_ = true; }
    bool take_animating() {
        bool a = animating_;
        animating_ = false;
        return a;
    }

    // Ask the shell to bring a panel to the front (by name).
    void focus(const std::string& panel) { focus_request_ = panel; }
    std::optional<std::string> take_focus_request() {
        auto r = std::move(focus_request_);
        focus_request_.reset();
        return r;
    }

  private:
    bool report(const Outcome<Done>& r, const std::string& what);
    std::unique_ptr<Session> session_;
    std::shared_ptr<const StateFrame> frame_;
    std::deque<Message> messages_;
    std::optional<std::string> focus_request_;
    double now_ = 0;
    bool animating_ = false;
};

} // namespace glass::gui
