// Serves a gdb::Target over TCP loopback with a gdbstub Session, one
// connection at a time: the fake server program and the client tests share
// it, so both exercise the same socket path stock gdb uses.
#pragma once

#include "gdbstub/session.hpp"

#include <atomic>

namespace gdb::test {

class TcpStubServer {
  public:
    // Listens on 127.0.0.1:port (0: an ephemeral port). ok() is false, with
    // errno set, when that fails.
    explicit TcpStubServer(u16 port = 0);
    ~TcpStubServer();
    bool ok() const { return listen_fd_ >= 0; }
    u16 port() const { return port_; }

    // Accepts `connections` connections in turn and serves each until the
    // peer disconnects, it detaches (when stop_on_detach), or stop() is
    // called. One Session serves them all, as on a serial line, where the
    // stub never sees a disconnect: whatever a client left half-sent is
    // still in the packet reader when the next one starts.
    void serve(Target& target, int connections = 1, bool stop_on_detach = true);
    // From another thread: makes serve_one return within ~10 ms.
    void stop() { stop_ = true; }

  private:
    bool serve_connection(int fd, Session& session, bool stop_on_detach);
    int listen_fd_ = -1;
    u16 port_ = 0;
    std::atomic<bool> stop_{false};
};

} // namespace gdb::test
