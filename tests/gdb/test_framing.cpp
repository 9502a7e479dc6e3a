// Packet framing: checksums, run-length encoding both ways, escapes.
#include "gdbstub/escape.hpp"
#include "gdbstub/packet_encoder.hpp"
#include "gdbstub/packet_reader.hpp"
#include "tests/gdb/session_harness.hpp"

#include <catch2/catch.hpp>
#include <random>
#include <string>

using namespace gdb;

namespace {

std::string encode(const std::string& payload, bool rle) {
    std::string out(payload.size() + kFrameOverhead, '\0');
    usize n = encode_packet(reinterpret_cast<const u8*>(payload.data()), payload.size(), rle,
                            reinterpret_cast<u8*>(out.data()), out.size());
    out.resize(n);
    return out;
}

// Feeds a whole framed packet; returns the event of its last byte.
RxEvent feed_all(PacketReader& r, const std::string& s) {
    RxEvent ev = RxEvent::None;
    for (char c : s)
        ev = r.feed(static_cast<u8>(c));
    return ev;
}

} // namespace

TEST_CASE("encoder frames with the checksum gdb expects", "[gdb]") {
    CHECK(encode("", false) == "$#00");
    CHECK(encode("OK", false) == "$OK#9a");
    CHECK(encode("T05thread:1;", false) == "$T05thread:1;#d7");
}

TEST_CASE("encoder run-length encodes long runs, never with '#' or '$' counts", "[gdb]") {
    CHECK(encode("0000000000", true) == test::frame("0*&"));  // 10 zeros: 0 + 9 more
    CHECK(encode("000", true) == test::frame("000"));         // too short to pay
    CHECK(encode("0000", true) == test::frame("0* "));        // 0 + 3 more (' ' = 32)
    CHECK(encode("00000000", true) == test::frame("0*\"00")); // 7 more would be '$'
    CHECK(encode("0000000", true) == test::frame("0*\"0"));   // 6 more would be '#'
    std::string many(300, 'x');
    std::string enc = encode(many, true);
    CHECK(enc.find('#') == enc.size() - 3);
    CHECK(enc.find('$', 1) == std::string::npos);
}

TEST_CASE("reader expands run-length encoding and checks every checksum", "[gdb]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 500; ++round) {
        std::string payload;
        int pieces = static_cast<int>(rng() % 20);
        for (int p = 0; p < pieces; ++p) {
            char c = "0123456789abcdefxT;:,"[rng() % 21];
            payload.append(rng() % 120 + 1, c);
        }
        if (payload.size() > kMaxPacket) payload.resize(kMaxPacket);
        PacketReader r;
        REQUIRE(feed_all(r, encode(payload, true)) == RxEvent::Packet);
        CHECK(std::string(r.body(), r.size()) == payload);
    }
}

TEST_CASE("reader reports acks, interrupts and bad framing", "[gdb]") {
    PacketReader r;
    CHECK(r.feed('+') == RxEvent::Ack);
    CHECK(r.feed('-') == RxEvent::Nak);
    CHECK(r.feed(0x03) == RxEvent::Interrupt);
    CHECK(r.feed('x') == RxEvent::None);
    CHECK(feed_all(r, "$g#00") == RxEvent::BadChecksum);
    CHECK(feed_all(r, "$g#67") == RxEvent::Packet);
    // Inside a packet 0x03 is data (binary X payloads contain it).
    std::string body = "X0,1:";
    body += '\x03';
    CHECK(feed_all(r, test::frame(body)) == RxEvent::Packet);
    CHECK(r.size() == body.size());
    CHECK(feed_all(r, "$abc$") == RxEvent::Truncated);
    CHECK(feed_all(r, "g#67") == RxEvent::Packet);
    CHECK(feed_all(r, test::frame(std::string(kMaxPacket, 'a'))) == RxEvent::Packet);
    CHECK(feed_all(r, test::frame(std::string(kMaxPacket + 1, 'a'))) == RxEvent::Oversized);
    CHECK(feed_all(r, test::frame("a*~")) == RxEvent::Packet); // 1 + 97 copies
    CHECK(r.size() == 98);
    CHECK(feed_all(r, test::frame("a*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~*~"
                                  "*~*~*~*~*~*~*~*~*~*~*~*~*~*~")) == RxEvent::Oversized);
}

TEST_CASE("binary escapes round-trip through the reply writer", "[gdb]") {
    u8 buf[64];
    Writer w(buf, sizeof buf);
    const u8 data[] = {'#', '$', '}', '*', 0, 0x7d ^ 0x20, 'a'};
    for (u8 b : data)
        REQUIRE(w.put_binary(b));
    CHECK(w.size() == sizeof data + 4);
    usize n = 0;
    REQUIRE(unescape_in_place(buf, w.size(), n));
    CHECK(n == sizeof data);
    CHECK(std::equal(data, data + sizeof data, buf));
    u8 lone[] = {'a', '}'};
    CHECK_FALSE(unescape_in_place(lone, 2, n));
}
