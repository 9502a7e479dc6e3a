// Drives a Session over the fake target with strings: feed raw bytes, get
// back exactly what the stub wrote. RLE is off so expected replies read as
// plain text.
#pragma once

#include "gdbstub/session.hpp"
#include "tests/gdb/fake_target.hpp"

#include <memory>
#include <string>

namespace gdb::test {

// "$body#cs" with the correct checksum.
std::string frame(const std::string& body);

class CaptureOutput final : public Output {
  public:
    void write(const u8* data, usize len) override {
        text.append(reinterpret_cast<const char*>(data), len);
    }
    std::string text;
};

struct Harness {
    explicit Harness(SessionOptions opts = {false})
        : session(std::make_unique<Session>(target, out, opts)) {}

    // Feeds raw bytes; returns everything written since the last call.
    std::string raw(const std::string& bytes);
    // Sends a framed packet; returns the stub's bytes (ack included).
    std::string request(const std::string& body) { return raw(frame(body)); }
    // Reply payload of a packet, with the ack and framing checked and removed.
    std::string reply(const std::string& body);

    FakeTarget target;
    CaptureOutput out;
    std::unique_ptr<Session> session;
};

} // namespace gdb::test
