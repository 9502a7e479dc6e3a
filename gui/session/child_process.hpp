// A child process in its own process group whose stdout and stderr arrive
// line by line on a reader thread (the launched scenario's serial console).
// The destructor ends the whole group, so QEMU never outlives the workbench;
// a workbench that is killed takes the child with it (a parent-death
// signal), so spawn() only from the main thread: the signal fires when the
// thread that spawned ends.
#pragma once

#include "introspect/lib/outcome.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace glass::gui {

class ChildProcess {
  public:
    using LineSink = std::function<void(const std::string&)>;
    static Outcome<std::unique_ptr<ChildProcess>> spawn(const std::vector<std::string>& argv,
                                                        LineSink on_line);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    int pid() const { return pid_; }
    // Whether it still runs; once it ended, its wait status.
    bool running();
    int exit_status() const { return status_; }
    // SIGTERM to the group, then SIGKILL after `grace_ms`.
    void terminate(unsigned grace_ms = 1000);

  private:
    ChildProcess(int pid, int fd, LineSink sink);
    void read_lines();
    int pid_;
    int fd_;
    int status_ = -1;
    bool reaped_ = false;
    LineSink sink_;
    std::thread reader_;
};

} // namespace glass::gui
