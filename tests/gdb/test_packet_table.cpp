// The packet table: every row is a fresh session over the fake target, one
// input (framed unless marked raw) and the exact bytes the stub must write
// back, ack included. Valid packets first, then malformed ones.
#include "tests/gdb/session_harness.hpp"

#include <catch2/catch.hpp>

using namespace gdb::test;

namespace {

struct Row {
    const char* input;
    const char* reply; // payload of the expected reply; nullptr: no reply packet
};

const std::string kThreadsXml = "<?xml version=\"1.0\"?>\n<threads>\n"
                                "<thread id=\"1\" name=\"dom0/vcpu0\"/>\n"
                                "<thread id=\"2\" name=\"dom0/vcpu1\"/>\n"
                                "<thread id=\"10001\" name=\"dom1/vcpu0\"/>\n</threads>\n";

const Row kValid[] = {
    {"?", "T05thread:1;"},
    {"qSupported", "PacketSize=1000;qXfer:features:read+;qXfer:threads:read+;QStartNoAckMode+;"
                   "vContSupported+"},
    {"qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386",
     "PacketSize=1000;qXfer:features:read+;qXfer:threads:read+;QStartNoAckMode+;"
     "vContSupported+;swbreak+;hwbreak+"},
    {"QStartNoAckMode", "OK"},
    // memory: data region holds byte i at offset i, partial reads stop at
    // the first unmapped byte, nothing mapped is EFAULT.
    {"mffffffff82000000,4", "00010203"},
    {"mffffffff82001ffe,4", "feff"},
    {"m0,4", "E0e"},
    {"mffffffff82000000,0", ""},
    {"Mffffffff82000000,2:abcd", "OK"},
    {"M0,1:00", "E0e"},
    {"Mffffffff82001fff,2:0000", "E0e"},
    {"Xffffffff82000000,0:", "OK"},
    {"Xffffffff82000000,2:}\x03}]", "OK"},
    // registers: rip is register 0x10, st0 (0x18) is unavailable
    {"p10", "00010081ffffffff"},
    {"p11", "46020000"},
    {"p18", "xxxxxxxxxxxxxxxxxxxx"},
    {"p2b", "3300058000000000"},
    {"p31", "E16"},
    {"P10=0000000000000000", "OK"},
    {"P18=00000000000000000000", "E16"},
    // breakpoints and watchpoints
    {"Z0,ffffffff81000400,1", "OK"},
    {"z0,ffffffff81000400,1", "OK"},
    {"Z1,ffffffff81000400,1", "OK"},
    {"Z2,ffffffff82000010,8", "OK"},
    {"Z3,ffffffff82000010,8", "OK"},
    {"Z4,ffffffff82000010,8", "OK"},
    {"Z0,0,1", "E0e"},
    {"Z5,0,1", ""},
    // threads
    {"Hg2", "OK"},
    {"Hg0", "OK"},
    {"Hc-1", "OK"},
    {"Hg10001", "OK"},
    {"Hg3", "E03"},
    {"Hg10000", "E03"},
    {"T10001", "OK"},
    {"T20001", "E03"},
    {"T-1", "E03"},
    {"qC", "QC1"},
    {"qfThreadInfo", "m1,2,10001"},
    {"qsThreadInfo", "m1,2,10001"}, // fresh session: cursor at the start
    {"qAttached", "1"},
    {"qAttached:1", "1"},
    {"qXfer:threads:read::0,fff", nullptr}, // checked below against kThreadsXml
    {"qXfer:features:read:target.xml:0,5", "m<?xml"},
    {"qXfer:features:read:other.xml:0,5", "E00"},
    {"qXfer:threads:read:x:0,5", "E00"},
    // execution
    {"vCont?", "vCont;c;C;s;S;t"},
    {"vCont;s:1;c", "T05thread:1;"},
    {"vCont;s:10001", "T05thread:10001;"},
    {"s", "T05thread:1;"},
    {"S05", "T05thread:1;"},
    {"sffffffff81000000", "T05thread:1;"},
    {"D", "OK"},
    {"D;1", "OK"},
    {"vKill;1", "OK"},
    // Glasshouse extensions
    {"qGlasshouse.version", "glasshouse-gdbstub:1"},
    {"qGlasshouse.domains", "0,2,r,4000;1,1,r,4000"},
    {"qGlasshouse.pause:1", "OK"},
    {"qGlasshouse.unpause:1", "OK"},
    {"qGlasshouse.pause:7", "E13"},
    {"qGlasshouse.pause:10000", "E16"},
    {"qGlasshouse.layout", "m2p:ffff800000000000,ffff808000000000;"
                           "hv_image:ffff82d080000000,ffff82d0c0000000;"
                           "directmap:ffff830000000000,ffff880000000000"},
    // unknown packets: the empty reply
    {"", ""},
    {"qOffsets", ""},
    {"vMustReplyEmpty", ""},
    {"qTStatus", ""},
    {"qGlasshouse.nonsense", ""},
    {"!", ""},
};

// Well-framed packets whose arguments are wrong: E01, never a crash.
const char* const kMalformedArgs[] = {
    "mzz,4",                    // bad hex address
    "mffffffff82000000",        // missing ',' and length
    "mffffffff82000000,",       // missing length
    "mffffffff82000000;4",      // wrong separator
    "m1,4x",                    // trailing garbage
    "m10000000000000000,1",     // address overflows 64 bits
    "Mffffffff82000000,2:abc",  // odd hex length
    "Mffffffff82000000,2:zzzz", // not hex
    "Mffffffff82000000,3:abcd", // length disagrees with data
    "Mffffffff82000000,2",      // missing data
    "Xffffffff82000000,2:}",    // lone escape
    "Xffffffff82000000,1:ab",   // length disagrees with data
    "P10=00",                   // wrong register size
    "P10",                      // missing '='
    "pzz",
    "G00",                 // short register file
    "Z0,ffffffff81000400", // missing kind
    "Z0",
    "Hgzz",
    "Hg",
    "Tq",
    "vCont;x",
    "vCont;",
    "vCont;s:zz",
    "vCont;c;c;c;c;c;c;c;c;c", // more actions than the stub takes
    "qXfer:features:read:target.xml:zz,5",
    "qXfer:features:read:target.xml:0",
    "qXfer:threads:read::0,",
    "qGlasshouse.pause:",
    "qGlasshouse.pause:zz",
    "C",
    "Czz",
    "C05;zz",
    "D;",
};

} // namespace

TEST_CASE("gdb packet table: valid packets get their exact reply", "[gdb]") {
    for (const Row& row : kValid) {
        Harness h;
        INFO("packet: " << row.input);
        std::string expected = "+" + frame(row.reply ? row.reply : "l" + kThreadsXml);
        CHECK(h.request(row.input) == expected);
    }
}

TEST_CASE("gdb packet table: malformed arguments get E01", "[gdb]") {
    for (const char* p : kMalformedArgs) {
        Harness h;
        INFO("packet: " << p);
        CHECK(h.request(p) == "+" + frame("E01"));
    }
}

TEST_CASE("gdb packet table: broken framing", "[gdb]") {
    struct RawRow {
        std::string input;
        std::string output;
    };
    const std::string big(5000, 'a');
    const RawRow rows[] = {
        {"$?#00", "-"}, // bad checksum: ask again
        {"$?#3", ""},   // checksum not finished yet
        {"$?#zz", "-"}, // checksum not hex
        {"$?#3z", "-"},
        {"$m0,4$?#3f", "-+" + frame("T05thread:1;")}, // truncated, then a good one
        {"$m0,4#$?#3f", "-+" + frame("T05thread:1;")},
        {frame(big), "+" + frame("E01")},       // oversized
        {frame("*!"), "+" + frame("E01")},      // run with nothing to repeat
        {frame("m0*\x01"), "+" + frame("E01")}, // run count below range
        {"abc\r\n", ""},                        // line noise between packets
        {"\x03", ""},                           // Ctrl-C while stopped: ignored
        {"+", ""},
        {"-", ""}, // nothing sent yet: nothing to resend
        // run-length encoded request: "0*\"" is six zeros
        {frame("Mffffffff82000000,3:0*\""), "+" + frame("OK")},
    };
    for (const RawRow& r : rows) {
        Harness h;
        INFO("input: " << r.input.substr(0, 40));
        CHECK(h.raw(r.input) == r.output);
    }
}
