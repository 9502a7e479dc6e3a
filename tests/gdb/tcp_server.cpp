#include "tests/gdb/tcp_server.hpp"

#include "gdbstub/session.hpp"

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gdb::test {

namespace {

class SocketOutput final : public Output {
  public:
    explicit SocketOutput(int f) : fd(f) {}
    void write(const u8* data, usize len) override {
        while (len) {
            ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL);
            if (n <= 0) return;
            data += n;
            len -= static_cast<usize>(n);
        }
    }

    int fd;
};

} // namespace

TcpStubServer::TcpStubServer(u16 port) {
    int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    socklen_t alen = sizeof addr;
    if (ls < 0 || ::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(ls, 1) != 0 || ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) {
        if (ls >= 0) ::close(ls);
        return;
    }
    listen_fd_ = ls;
    port_ = ntohs(addr.sin_port);
}

TcpStubServer::~TcpStubServer() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
}

void TcpStubServer::serve(Target& target, int connections, bool stop_on_detach) {
    SocketOutput out(-1);
    auto session = std::make_unique<Session>(target, out); // 10 KiB: off the stack
    for (int c = 0; c < connections && !stop_; c++) {
        int fd = -1;
        while (fd < 0 && !stop_) {
            pollfd p{listen_fd_, POLLIN, 0};
            if (::poll(&p, 1, 10) > 0) fd = ::accept(listen_fd_, nullptr, nullptr);
        }
        if (fd < 0) return;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        out.fd = fd;
        bool detached = serve_connection(fd, *session, stop_on_detach);
        ::close(fd);
        if (detached) return;
    }
}

bool TcpStubServer::serve_connection(int fd, Session& session, bool stop_on_detach) {
    u8 buf[4096];
    while (!stop_) {
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, 10);
        if (r > 0) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) return false;
            session.feed(buf, static_cast<usize>(n));
            if (session.detached()) {
                if (stop_on_detach) return true;
                session.reset();
            }
        }
        session.poll();
    }
    return false;
}

} // namespace gdb::test
