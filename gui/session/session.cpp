#include "gui/session/session.hpp"

#include "gui/session/child_process.hpp"
#include "gui/session/client_control.hpp"
#include "gui/session/live_source.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace glass::gui {

using Clock = std::chrono::steady_clock;

const char* session_mode_name(SessionMode m) {
    switch (m) {
    case SessionMode::None:
        return "not connected";
    case SessionMode::Launched:
        return "launched";
    case SessionMode::Attached:
        return "attached";
    case SessionMode::Trace:
        return "trace";
    }
    return "?";
}

Session::Session()
    : control_(std::make_unique<NoControl>("no control channel")),
      console_(std::make_unique<ConsoleLog>()) {}

Session::~Session() {
    state_.reset();
    child_.reset();
    if (owns_mem_file_) unlink(ends_.mem_path.c_str());
}

Outcome<std::unique_ptr<Session>> Session::attach(const AttachOptions& o) {
    using R = Outcome<std::unique_ptr<Session>>;
    auto target = Target::open(o.mem_path, o.hv_elf);
    if (!target.ok()) return R::failure("cannot attach to " + o.mem_path + ": " + target.error());
    auto s = std::make_unique<Session>();
    s->mode_ = SessionMode::Attached;
    s->ends_.mem_path = o.mem_path;
    s->hv_elf_ = o.hv_elf;
    s->state_ = std::make_unique<LiveSource>(std::move(*target), "live " + o.mem_path);
    if (!o.control.empty()) {
        auto c = ClientControl::connect(o.control);
        if (!c.ok()) return R::failure("control channel " + o.control + ": " + c.error());
        s->control_ = std::move(*c);
        s->control_connected_ = true;
    } else {
        s->control_ = std::make_unique<NoControl>("read-only: no control channel (--control "
                                                  "HOST:PORT)");
    }
    return s;
}

namespace {

// A free TCP port on the loopback for QEMU to listen on. The port is free
// when we look; QEMU binds it a moment later (a race only another process
// grabbing ephemeral ports that instant can lose).
unsigned free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    unsigned port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

// Runs the harness with --print-command: its stdout is the QEMU argv,
// NUL-separated.
Outcome<std::vector<std::string>> qemu_command_of(const std::vector<std::string>& harness) {
    using R = Outcome<std::vector<std::string>>;
    std::string cmd;
    for (const auto& a : harness) {
        cmd += "'";
        for (char c : a)
            cmd += c == '\'' ? std::string("'\\''") : std::string(1, c);
        cmd += "' ";
    }
    cmd += "2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return R::failure("cannot run " + harness[0]);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    int st = pclose(p);
    if (st != 0) {
        while (!out.empty() && out.back() == '\n')
            out.pop_back();
        return R::failure(out.empty() ? "the QEMU harness failed" : out);
    }
    std::vector<std::string> argv;
    size_t start = 0;
    for (;;) {
        size_t nul = out.find('\0', start);
        argv.push_back(out.substr(start, nul - start));
        if (nul == std::string::npos) break;
        start = nul + 1;
    }
    return argv;
}

} // namespace

namespace {

constexpr const char* kRamPrefix = "glass-workbench-";

// Guest RAM files of launches whose workbench was killed (SIGKILL leaves no
// chance to unlink): the PID in the name no longer exists. Each can be
// hundreds of MiB of /dev/shm, so the next launch removes them.
void remove_stale_ram_files() {
    DIR* d = opendir("/dev/shm");
    if (!d) return;
    std::string prefix = kRamPrefix;
    while (dirent* e = readdir(d)) {
        std::string name = e->d_name;
        if (name.rfind(prefix, 0) != 0 || name.size() < prefix.size() + 5 ||
            name.compare(name.size() - 4, 4, ".ram") != 0)
            continue;
        std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 4);
        char* end = nullptr;
        long pid = std::strtol(digits.c_str(), &end, 10);
        if (digits.empty() || *end || pid <= 0) continue;
        if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        std::string path = "/dev/shm/" + name;
        if (unlink(path.c_str()) == 0)
            std::fprintf(stderr,
                         "glass-workbench: removed %s, left by a workbench that was killed\n",
                         path.c_str());
    }
    closedir(d);
}

} // namespace

Outcome<std::unique_ptr<Session>> Session::launch(const Scenario& sc, const LaunchPaths& paths) {
    using R = Outcome<std::unique_ptr<Session>>;
    remove_stale_ram_files();
    auto s = std::make_unique<Session>();
    s->mode_ = SessionMode::Launched;
    s->scenario_ = sc;
    s->ends_.mem_path = std::string("/dev/shm/") + kRamPrefix + std::to_string(getpid()) + ".ram";
    s->ends_.gdb_port = free_port();
    s->ends_.control_port = free_port();
    s->hv_elf_ = paths.build_dir + "/hv/hv.elf";
    auto qemu = qemu_command_of(launch_command(sc, paths, s->ends_));
    if (!qemu.ok()) return R::failure("cannot launch scenario '" + sc.name + "': " + qemu.error());
    ConsoleLog* console = s->console_.get();
    auto child = ChildProcess::spawn(*qemu, [console](const std::string& l) { console->add(l); });
    if (!child.ok()) return R::failure(child.error());
    s->child_ = std::move(*child);
    s->owns_mem_file_ = true;
    s->control_at_ = "127.0.0.1:" + std::to_string(s->ends_.control_port);
    s->control_ =
        std::make_unique<NoControl>("control channel " + s->control_at_ + ": not connected yet");
    s->progress_ = "booting";
    return s;
}

namespace {
TraceOpener& trace_opener() {
    static TraceOpener opener;
    return opener;
}
} // namespace

void set_trace_opener(TraceOpener opener) {
    trace_opener() = std::move(opener);
}

std::unique_ptr<Session> Session::open_trace(const std::string& path) {
    auto s = std::make_unique<Session>();
    s->mode_ = SessionMode::Trace;
    s->trace_path_ = path;
    s->control_ = std::make_unique<NoControl>("a trace is replayed, not controlled");
    if (!trace_opener()) {
        s->progress_ = "no replay model in this build";
    } else if (auto src = trace_opener()(path); src.ok()) {
        s->state_ = std::move(*src);
    } else {
        s->progress_ = src.error();
    }
    return s;
}

std::string Session::describe() const {
    switch (mode_) {
    case SessionMode::None:
        return "not connected";
    case SessionMode::Launched:
        return "launched scenario '" + scenario_.name + "'" +
               (child_ ? " (QEMU pid " + std::to_string(child_->pid()) + ")" : "") + ", " +
               ends_.mem_path;
    case SessionMode::Attached:
        return "attached to " + ends_.mem_path;
    case SessionMode::Trace:
        return "trace " + trace_path_;
    }
    return "";
}

void Session::try_attach() {
    auto now = Clock::now();
    if (now < next_attempt_) return;
    next_attempt_ = now + std::chrono::milliseconds(250);
    attach_attempts_++;
    auto target = Target::open(ends_.mem_path, hv_elf_);
    if (!target.ok()) {
        progress_ = "booting: " + target.error();
        return;
    }
    state_ = std::make_unique<LiveSource>(std::move(*target), "live " + ends_.mem_path);
    progress_.clear();
}

void Session::poll() {
    if (mode_ != SessionMode::Launched || !child_) return;
    if (!child_->running()) {
        int st = child_->exit_status();
        progress_ = WIFEXITED(st) ? "QEMU exited with status " + std::to_string(WEXITSTATUS(st))
                                  : "QEMU was killed";
        return;
    }
    if (!state_) try_attach();
    if (state_ && !control_connected_) try_control();
}

// Once the hypervisor is up (its root is published) its control server
// answers; until then QEMU accepts the connection but nobody replies.
void Session::try_control() {
    if (control_pending_.valid()) {
        if (control_pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
        auto c = control_pending_.get();
        if (c.ok()) {
            control_ = std::move(*c);
            control_connected_ = true;
            return;
        }
        control_ = std::make_unique<NoControl>("control channel " + control_at_ + ": " + c.error());
    }
    auto now = Clock::now();
    if (now < next_control_attempt_) return;
    next_control_attempt_ = now + std::chrono::seconds(1);
    control_pending_ = std::async(std::launch::async, [at = control_at_] {
        auto c = ClientControl::connect(at);
        if (!c.ok()) return Outcome<std::unique_ptr<Control>>::failure(c.error());
        return Outcome<std::unique_ptr<Control>>(std::unique_ptr<Control>(std::move(*c)));
    });
}

} // namespace glass::gui
