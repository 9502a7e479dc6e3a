// A TCP connection with deadlines: the byte pipe under the client. QEMU
// exposes a serial port as a listening socket (-chardev socket,server=on);
// this connects to it. Nothing here knows the protocol.
#pragma once

#include "gdbstub/client/result.hpp"

#include <chrono>
#include <string>

namespace gdb::client {

class Transport {
  public:
    using Clock = std::chrono::steady_clock;

    Transport() = default;
    Transport(Transport&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Transport& operator=(Transport&& o) noexcept;
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;
    ~Transport();

    // TCP connect with TCP_NODELAY (each packet is a round trip).
    static Result<Transport> connect(const std::string& host, u16 port,
                                     std::chrono::milliseconds timeout);

    Status send(const void* data, usize len);
    // Waits until `deadline` for at least one byte; returns how many were
    // read (> 0), or Timeout / Disconnected.
    Result<usize> receive(u8* buf, usize cap, Clock::time_point deadline);

  private:
    explicit Transport(int fd) : fd_(fd) {}
    int fd_ = -1;
};

} // namespace gdb::client
