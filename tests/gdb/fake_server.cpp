// glass-gdb-fake-server: serves the fake target over TCP so stock gdb can
// be tested against the protocol layer without a hypervisor.
//   glass-gdb-fake-server [PORT]   (default 0: an ephemeral port)
// Prints "listening on port N" once ready, serves one connection, and exits
// when gdb detaches or disconnects.
#include "gdbstub/session.hpp"
#include "tests/gdb/fake_target.hpp"

#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

class SocketOutput final : public gdb::Output {
  public:
    explicit SocketOutput(int fd) : fd_(fd) {}
    void write(const u8* data, usize len) override {
        while (len) {
            ssize_t n = ::send(fd_, data, len, MSG_NOSIGNAL);
            if (n <= 0) return;
            data += n;
            len -= static_cast<usize>(n);
        }
    }

  private:
    int fd_;
};

} // namespace

int main(int argc, char** argv) {
    int port = argc > 1 ? std::atoi(argv[1]) : 0;
    int ls = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t alen = sizeof addr;
    if (::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(ls, 1) != 0 ||
        ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &alen) != 0) {
        std::perror("glass-gdb-fake-server");
        return 1;
    }
    std::printf("listening on port %d\n", ntohs(addr.sin_port));
    std::fflush(stdout);

    int fd = ::accept(ls, nullptr, nullptr);
    if (fd < 0) return 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    gdb::test::FakeTarget target;
    SocketOutput out(fd);
    static gdb::Session session(target, out); // 10 KiB: keep it off the stack
    u8 buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, session.running() ? 10 : 1000);
        if (r > 0) {
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            session.feed(buf, static_cast<usize>(n));
            if (session.detached()) break;
        }
        session.poll();
    }
    ::close(fd);
    ::close(ls);
    return 0;
}
