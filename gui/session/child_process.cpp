#include "gui/session/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace glass::gui {

Outcome<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const std::vector<std::string>& argv,
                                                           LineSink on_line) {
    using R = Outcome<std::unique_ptr<ChildProcess>>;
    if (argv.empty()) return R::failure("nothing to run");
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return R::failure(std::string("pipe: ") + strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Own process group: terminate() reaches QEMU behind the Python harness.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        return R::failure("cannot start " + argv[0] + ": " + strerror(rc));
    }
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, fds[0], std::move(on_line)));
}

ChildProcess::ChildProcess(int pid, int fd, LineSink sink)
    : pid_(pid), fd_(fd), sink_(std::move(sink)) {
    reader_ = std::thread([this] { read_lines(); });
}

ChildProcess::~ChildProcess() {
    terminate(500);
    if (reader_.joinable()) reader_.join();
    close(fd_);
}

void ChildProcess::read_lines() {
    std::string pending;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        pending.append(buf, static_cast<size_t>(n));
        size_t start = 0, nl;
        while ((nl = pending.find('\n', start)) != std::string::npos) {
            std::string line = pending.substr(start, nl - start);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (sink_) sink_(line);
            start = nl + 1;
        }
        pending.erase(0, start);
    }
    if (!pending.empty() && sink_) sink_(pending);
}

bool ChildProcess::running() {
    if (reaped_) return false;
    int st = 0;
    pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
        reaped_ = true;
        status_ = st;
        return false;
    }
    return r == 0;
}

void ChildProcess::terminate(unsigned grace_ms) {
    if (!running()) {
        kill(-pid_, SIGKILL); // leftovers in the group
        return;
    }
    kill(-pid_, SIGTERM);
    for (unsigned waited = 0; waited < grace_ms; waited += 20) {
        if (!running()) break;
        usleep(20000);
    }
    kill(-pid_, SIGKILL);
    if (!reaped_) {
        int st = 0;
        if (waitpid(pid_, &st, 0) == pid_) status_ = st;
        reaped_ = true;
    }
}

} // namespace glass::gui
