// Test harness helpers (see session_harness.hpp).
#include "tests/gdb/session_harness.hpp"

#include "gdbstub/packet_encoder.hpp"

#include <catch2/catch.hpp>

namespace gdb::test {

std::string frame(const std::string& body) {
    std::string out(body.size() + kFrameOverhead, '\0');
    usize n = encode_packet(reinterpret_cast<const u8*>(body.data()), body.size(), false,
                            reinterpret_cast<u8*>(out.data()), out.size());
    out.resize(n);
    return out;
}

std::string Harness::raw(const std::string& bytes) {
    session->feed(reinterpret_cast<const u8*>(bytes.data()), bytes.size());
    std::string got;
    got.swap(out.text);
    return got;
}

std::string Harness::reply(const std::string& body) {
    std::string got = request(body);
    std::string ack = session->no_ack() ? "" : "+";
    REQUIRE(got.size() >= ack.size() + kFrameOverhead);
    REQUIRE(got.substr(0, ack.size()) == ack);
    std::string framed = got.substr(ack.size());
    std::string payload = framed.substr(1, framed.size() - kFrameOverhead);
    REQUIRE(frame(payload) == framed);
    return payload;
}

} // namespace gdb::test
