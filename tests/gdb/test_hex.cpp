// Strict hex parsing: every failure has its own reason.
#include "gdbstub/hex.hpp"
#include "gdbstub/writer.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace gdb;

namespace {
ParseError parse(const std::string& s, u64& v) {
    Cursor c(s.data(), s.size());
    return c.hex_u64(v);
}
} // namespace

TEST_CASE("hex numbers parse strictly", "[gdb]") {
    u64 v = 0;
    CHECK(parse("0", v) == ParseError::Ok);
    CHECK(v == 0);
    CHECK(parse("ffffffff82000000", v) == ParseError::Ok);
    CHECK(v == 0xffffffff82000000ull);
    CHECK(parse("FfFf", v) == ParseError::Ok);
    CHECK(v == 0xffff);
    CHECK(parse("0000000000000000000001", v) == ParseError::Ok); // leading zeros never overflow
    CHECK(v == 1);
    CHECK(parse("10000000000000000", v) == ParseError::Overflow);
    CHECK(parse("", v) == ParseError::NoDigits);
    CHECK(parse("g", v) == ParseError::NoDigits);
    CHECK(parse(",1", v) == ParseError::NoDigits);
}

TEST_CASE("hex cursor stops at separators and checks them", "[gdb]") {
    std::string s = "12,34:x";
    Cursor c(s.data(), s.size());
    u64 a = 0, b = 0;
    CHECK(c.hex_u64(a) == ParseError::Ok);
    CHECK(c.expect(',') == ParseError::Ok);
    CHECK(c.hex_u64(b) == ParseError::Ok);
    CHECK(c.expect(';') == ParseError::MissingSeparator);
    CHECK(c.expect(':') == ParseError::Ok);
    CHECK(c.remaining() == 1);
    CHECK((a == 0x12 && b == 0x34));
}

TEST_CASE("hex byte strings decode in place or fail", "[gdb]") {
    std::string s = "00ff7A";
    usize n = 0;
    auto* p = reinterpret_cast<u8*>(s.data());
    REQUIRE(hex_decode(s.data(), s.size(), p, n) == ParseError::Ok);
    CHECK(n == 3);
    CHECK((p[0] == 0 && p[1] == 0xff && p[2] == 0x7a));
    std::string odd = "abc", bad = "0g";
    CHECK(hex_decode(odd.data(), odd.size(), p, n) == ParseError::BadHex);
    CHECK(hex_decode(bad.data(), bad.size(), p, n) == ParseError::BadHex);
}

TEST_CASE("writer formats numbers and flags overflow", "[gdb]") {
    u8 buf[8];
    Writer w(buf, sizeof buf);
    w.put_hex(0);
    w.put_hex(0xabc);
    w.put_dec(409);
    CHECK(std::string(reinterpret_cast<char*>(buf), w.size()) == "0abc409");
    CHECK_FALSE(w.overflowed());
    w.put("xy");
    CHECK(w.overflowed());
    CHECK(w.size() == 8);
}

TEST_CASE("document window cuts a generated document at any offset", "[gdb]") {
    const std::string doc = "hello $world}*";
    std::string joined;
    for (u64 off = 0;;) {
        u8 buf[6];
        Writer w(buf, sizeof buf);
        DocWindow win(w, off, 4);
        win.put(doc.c_str());
        // Unescape what came back and count document bytes.
        std::string got;
        for (usize i = 0; i < w.size(); ++i) {
            got += buf[i] == '}' ? static_cast<char>(buf[++i] ^ 0x20) : static_cast<char>(buf[i]);
        }
        joined += got;
        off += got.size();
        if (win.complete()) break;
        REQUIRE(!got.empty());
    }
    CHECK(joined == doc);
}
