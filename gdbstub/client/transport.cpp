#include "gdbstub/client/transport.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gdb::client {

namespace {

ClientError connect_error(const std::string& where, const std::string& why) {
    return ClientError{ErrorKind::CannotConnect, 0, "cannot connect to " + where + ": " + why, ""};
}

int ms_until(Transport::Clock::time_point deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Transport::Clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

// Non-blocking connect bounded by the timeout, then back to blocking.
bool connect_bounded(int fd, const sockaddr* addr, socklen_t len, int timeout_ms, int& err) {
    int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int r = ::connect(fd, addr, len);
    if (r != 0 && errno == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        r = ::poll(&p, 1, timeout_ms);
        if (r == 0) {
            err = ETIMEDOUT;
            return false;
        }
        socklen_t elen = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
        r = err == 0 ? 0 : -1;
    } else if (r != 0) {
        err = errno;
    }
    ::fcntl(fd, F_SETFL, flags);
    return r == 0;
}

} // namespace

Transport& Transport::operator=(Transport&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

Transport::~Transport() {
    if (fd_ >= 0) ::close(fd_);
}

Result<Transport> Transport::connect(const std::string& host, u16 port,
                                     std::chrono::milliseconds timeout) {
    std::string where = host + ":" + std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int gai = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (gai != 0) return connect_error(where, ::gai_strerror(gai));
    std::string why = "no address";
    for (addrinfo* a = res; a; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = std::strerror(errno);
            continue;
        }
        int err = 0;
        if (connect_bounded(fd, a->ai_addr, a->ai_addrlen, static_cast<int>(timeout.count()),
                            err)) {
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            ::freeaddrinfo(res);
            return Transport(fd);
        }
        why = std::strerror(err);
        ::close(fd);
    }
    ::freeaddrinfo(res);
    return connect_error(where, why);
}

Status Transport::send(const void* data, usize len) {
    const u8* p = static_cast<const u8*>(data);
    while (len) {
        ssize_t n = ::send(fd_, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return ClientError{
                ErrorKind::Disconnected, 0,
                std::string("connection lost while sending: ") + std::strerror(errno), ""};
        p += n;
        len -= static_cast<usize>(n);
    }
    return Done{};
}

Result<usize> Transport::receive(u8* buf, usize cap, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd_, POLLIN, 0};
        int r = ::poll(&p, 1, ms_until(deadline));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return ClientError{ErrorKind::Timeout, 0, "no reply in time", ""};
        ssize_t n = ::recv(fd_, buf, cap, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) return ClientError{ErrorKind::Disconnected, 0, "connection closed by peer", ""};
        if (n < 0)
            return ClientError{ErrorKind::Disconnected, 0,
                               std::string("connection lost: ") + std::strerror(errno), ""};
        return static_cast<usize>(n);
    }
}

} // namespace gdb::client
