// The workbench's connection: a scenario it launched (QEMU + hypervisor +
// guest images), a Glasshouse it attached to, or a trace file it opened.
// It owns the state source panels read, the control channel, and (when it
// launched QEMU) the serial console. No drawing here.
#pragma once

#include "gui/session/console_log.hpp"
#include "gui/session/control.hpp"
#include "gui/session/scenario.hpp"
#include "gui/session/state_source.hpp"

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

namespace glass::gui {

class ChildProcess;

enum class SessionMode { None, Launched, Attached, Trace };

// How a trace file becomes a state source: registered by the replay model
// (gui/model/replay*, from a static initialiser), so the shell needs no
// knowledge of trace formats. Without one, a trace session has no state.
using TraceOpener = std::function<Outcome<std::unique_ptr<StateSource>>(const std::string& path)>;
void set_trace_opener(TraceOpener opener);
const char* session_mode_name(SessionMode m);

struct AttachOptions {
    std::string mem_path = "/dev/shm/glasshouse.ram";
    std::string hv_elf;  // empty: find the root by scanning
    std::string control; // host:port of the control channel (COM3), empty = none
    std::string gdb;     // host:port of stock gdb's channel (COM2), for display
};

class Session {
  public:
    Session();
    ~Session();
    static Outcome<std::unique_ptr<Session>> attach(const AttachOptions& o);
    static Outcome<std::unique_ptr<Session>> launch(const Scenario& s, const LaunchPaths& paths);
    // The replay model (timeline) supplies the state source for a trace.
    static std::unique_ptr<Session> open_trace(const std::string& path);

    SessionMode mode() const { return mode_; }
    // One line for the status bar: what is connected and how.
    std::string describe() const;
    // What is happening besides ("booting: ...", "QEMU exited: status 33").
    const std::string& progress() const { return progress_; }

    StateSource* state() const { return state_.get(); }
    Control& control() const { return *control_; }
    // The same, for work off the frame loop: keeps the channel alive while a
    // worker still uses it, even if the session replaces or drops it.
    std::shared_ptr<Control> shared_control() const { return control_; }
    ConsoleLog& console() const { return *console_; }
    const std::string& trace_path() const { return trace_path_; }
    const Endpoints& endpoints() const { return ends_; }
    const std::string& hv_elf() const { return hv_elf_; }
    const Scenario& scenario() const { return scenario_; }

    void set_state_source(std::unique_ptr<StateSource> s) { state_ = std::move(s); }
    void set_control(std::unique_ptr<Control> c) { control_ = std::move(c); }

    // Once per frame: attach to a booting scenario once its root exists,
    // notice QEMU exiting.
    void poll();

  private:
    void try_attach();
    void try_control();
    SessionMode mode_ = SessionMode::None;
    std::unique_ptr<StateSource> state_;
    std::shared_ptr<Control> control_;
    std::unique_ptr<ConsoleLog> console_;
    std::unique_ptr<ChildProcess> child_;
    Scenario scenario_;
    Endpoints ends_;
    std::string hv_elf_;
    std::string trace_path_;
    std::string progress_;
    bool owns_mem_file_ = false;
    unsigned attach_attempts_ = 0;
    std::chrono::steady_clock::time_point next_attempt_{};
    std::chrono::steady_clock::time_point next_control_attempt_{};
    std::string control_at_; // host:port to connect the control channel to
    bool control_connected_ = false;
    // Connecting waits for the hypervisor's answer: off the frame loop.
    std::future<Outcome<std::unique_ptr<Control>>> control_pending_;
};

} // namespace glass::gui
