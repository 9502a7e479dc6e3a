#include "gui/session/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace glass::gui {

namespace {

// argv[0] as execvp would find it, looked up before fork: the child may only
// make async-signal-safe calls (the workbench has threads).
std::string resolve_on_path(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path = getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    for (;;) {
        size_t colon = dirs.find(':', start);
        std::string dir = dirs.substr(start, colon - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
        if (colon == std::string::npos) return name;
        start = colon + 1;
    }
}

} // namespace

Outcome<std::unique_ptr<ChildProcess>> ChildProcess::spawn(const std::vector<std::string>& argv,
                                                           LineSink on_line) {
    using R = Outcome<std::unique_ptr<ChildProcess>>;
    if (argv.empty()) return R::failure("nothing to run");
    std::string path = resolve_on_path(argv[0]);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0) return R::failure(std::string("pipe: ") + strerror(errno));
    // exec failures come back on `err` (closed by a successful exec).
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(out[0]);
        close(out[1]);
        return R::failure(std::string("pipe: ") + strerror(errno));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        for (int fd : {out[0], out[1], err[0], err[1]})
            close(fd);
        return R::failure("cannot start " + argv[0] + ": fork: " + strerror(e));
    }
    if (pid == 0) {
        // Own process group, so terminate() reaches everything it starts.
        setpgid(0, 0);
        // QEMU must never outlive the workbench, even one that is killed
        // (SIGKILL, a crash): the kernel kills the child when the thread
        // that forked it (the main thread) ends.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127); // the workbench died already
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(path.c_str(), args.data());
        int e = errno;
        ssize_t ignored = write(err[1], &e, sizeof e);
        (void)ignored;
        _exit(127);
    }
    setpgid(pid, pid); // also here: no window where terminate() misses it
    close(out[1]);
    close(err[1]);
    int child_errno = 0;
    ssize_t n;
    do {
        n = read(err[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    close(err[0]);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        waitpid(pid, nullptr, 0);
        close(out[0]);
        return R::failure("cannot start " + argv[0] + ": " + strerror(child_errno));
    }
    return std::unique_ptr<ChildProcess>(new ChildProcess(pid, out[0], std::move(on_line)));
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
