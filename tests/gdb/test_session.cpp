// Session behaviour across packets: acks, no-ack mode, resends, Ctrl-C,
// chunked thread lists and qXfer reads, register round trips.
#include "gdbstub/registers.hpp"
#include "tests/gdb/session_harness.hpp"

#include <catch2/catch.hpp>

using namespace gdb;
using namespace gdb::test;

TEST_CASE("no-ack mode starts after the OK to QStartNoAckMode", "[gdb]") {
    Harness h;
    CHECK(h.request("QStartNoAckMode") == "+" + frame("OK"));
    CHECK(h.session->no_ack());
    CHECK(h.request("qC") == frame("QC1"));
    CHECK(h.raw("$qC#00") == frame("E01")); // no way to ask for a resend
    CHECK(h.raw("-") == "");
}

TEST_CASE("a nak resends the last reply", "[gdb]") {
    Harness h;
    CHECK(h.request("qC") == "+" + frame("QC1"));
    CHECK(h.raw("-") == frame("QC1"));
    CHECK(h.raw("+") == "");
}

TEST_CASE("thread list comes in chunks until 'l'", "[gdb]") {
    Harness h;
    CHECK(h.reply("qfThreadInfo") == "m1,2,10001");
    CHECK(h.reply("qsThreadInfo") == "l");
    CHECK(h.reply("qfThreadInfo") == "m1,2,10001");
}

TEST_CASE("qXfer reads in small windows rebuild the whole document", "[gdb]") {
    for (const char* annex : {"qXfer:features:read:target.xml:", "qXfer:threads:read::"}) {
        Harness h;
        std::string whole = h.reply(std::string(annex) + "0,fff");
        REQUIRE(whole[0] == 'l');
        std::string joined;
        for (usize off = 0;;) {
            char req[64];
            std::snprintf(req, sizeof req, "%s%zx,11", annex, off);
            std::string r = h.reply(req);
            REQUIRE((r[0] == 'm' || r[0] == 'l'));
            std::string data = r.substr(1); // documents here need no unescaping
            joined += data;
            off += data.size();
            if (r[0] == 'l') break;
        }
        CHECK(joined == whole.substr(1));
    }
}

TEST_CASE("target description names every register in 'g' order", "[gdb]") {
    Harness h;
    std::string xml = h.reply("qXfer:features:read:target.xml:0,fff").substr(1);
    CHECK(xml.find("<architecture>i386:x86-64</architecture>") != std::string::npos);
    usize pos = 0;
    for (unsigned r = 0; r < kRegCount; ++r) {
        std::string tag = std::string("<reg name=\"") + reg_info(r).name + "\"";
        usize at = xml.find(tag, pos);
        INFO(tag);
        REQUIRE(at != std::string::npos);
        pos = at;
    }
    for (const char* f : {"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.segments",
                          "org.gnu.gdb.i386.sys", "<flags id=\"i386_eflags\""}) {
        CHECK(xml.find(f) != std::string::npos);
    }
}

TEST_CASE("g returns the register file and G writes it back", "[gdb]") {
    Harness h;
    std::string g = h.reply("g");
    CHECK(g.size() == register_file_hex_size());
    CHECK(g.substr(0, 16) == "0010000000000000"); // rax = 0x1000
    // Change rax to 0x42, write back, read again.
    std::string g2 = "4200000000000000" + g.substr(16);
    for (char& c : g2) {
        if (c == 'x') c = '0'; // gdb sends something for unavailable registers
    }
    CHECK(h.reply("G" + g2) == "OK");
    CHECK(h.reply("p0") == "4200000000000000");
    CHECK(h.reply("p18") == "xxxxxxxxxxxxxxxxxxxx"); // still unavailable
    CHECK(h.reply("Hg10001") == "OK");
    CHECK(h.reply("p0") == "0011000000000000"); // dom1's rax
}

TEST_CASE("binary writes land in memory exactly", "[gdb]") {
    Harness h;
    std::string x = "Xffffffff82000100,4:";
    x += "}\x03}\x04}]}\x0a"; // '#', '$', '}', '*'
    CHECK(h.reply(x) == "OK");
    CHECK(h.reply("mffffffff82000100,4") == "23247d2a");
}

TEST_CASE("continue stops at a software breakpoint with swbreak when negotiated", "[gdb]") {
    Harness h;
    h.reply("qSupported:swbreak+;hwbreak+");
    CHECK(h.reply("Z0,ffffffff81000400,1") == "OK");
    CHECK(h.reply("vCont;c") == "T05thread:1;swbreak:;");
    CHECK(h.reply("p10") == "00040081ffffffff");
    CHECK(h.reply("Z1,ffffffff81000800,1") == "OK");
    CHECK(h.reply("c") == "T05thread:1;hwbreak:;");
    CHECK(h.reply("z1,ffffffff81000800,1") == "OK");
    CHECK(h.reply("Z2,ffffffff82000010,8") == "OK");
    CHECK(h.reply("c") == "T05thread:1;watch:ffffffff82000010;");
    CHECK(h.reply("mffffffff82000010,1") == "11");
}

TEST_CASE("Ctrl-C stops a running target with SIGINT", "[gdb]") {
    Harness h;
    h.target.run_forever = true;
    CHECK(h.request("c") == "+");
    CHECK(h.session->running());
    h.session->poll();
    CHECK(h.out.text.empty());
    CHECK(h.raw("\x03") == frame("T02thread:1;"));
    CHECK_FALSE(h.session->running());
}

TEST_CASE("errors use E.text once gdb announces error-message", "[gdb]") {
    Harness h;
    h.reply("qSupported:error-message+");
    CHECK(h.reply("m0,4") == "E.address not mapped");
    CHECK(h.reply("mzz") == "E.malformed packet");
}

TEST_CASE("k kills without a reply; D detaches and clears breakpoints", "[gdb]") {
    Harness h;
    CHECK(h.request("k") == "+");
    CHECK(h.target.killed);
    CHECK(h.reply("Z0,ffffffff81000400,1") == "OK");
    CHECK(h.reply("D") == "OK");
    CHECK(h.session->detached());
    CHECK(h.target.breakpoint_count() == 0);
}

TEST_CASE("vCont passes per-thread actions to the target", "[gdb]") {
    Harness h;
    CHECK(h.reply("vCont;S0b:2;c") == "T05thread:2;");
    REQUIRE(h.target.last_resume.size() == 2);
    CHECK(h.target.last_resume[0].kind == ResumeKind::Step);
    CHECK(h.target.last_resume[0].signal == 0x0b);
    CHECK_FALSE(h.target.last_resume[0].all);
    CHECK(h.target.last_resume[0].thread == ThreadRef{0, 1});
    CHECK(h.target.last_resume[1].all);
}

TEST_CASE("memory reads never exceed the reply buffer", "[gdb]") {
    Harness h;
    std::string r = h.reply("mffffffff81000000,100000");
    CHECK(r.size() <= kMaxPacket);
    CHECK(r.size() % 2 == 0);
    CHECK(r.size() >= 2048);
}

TEST_CASE("a new connection's qSupported ends the old session", "[gdb]") {
    Harness h;
    CHECK(h.request("QStartNoAckMode") == "+" + frame("OK"));
    CHECK(h.raw(frame("Z0,ffffffff81000010,1")) == frame("OK"));
    CHECK(h.target.breakpoint_count() == 1);
    CHECK_FALSE(h.target.detached);
    // gdb was killed; a new one starts in ack mode and must get its ack.
    std::string r = h.raw("+" + frame("qSupported:swbreak+"));
    CHECK(r.rfind("+$", 0) == 0);
    CHECK_FALSE(h.session->no_ack());
    CHECK(h.target.detached);
    CHECK(h.target.breakpoint_count() == 0);
}

TEST_CASE("the first qSupported of a fresh session detaches nothing", "[gdb]") {
    Harness h;
    CHECK(h.request("qSupported").rfind("+$PacketSize=", 0) == 0);
    CHECK_FALSE(h.target.detached);
}

TEST_CASE("qGlasshouse.attach picks the debugged domain", "[gdb]") {
    Harness h;
    CHECK(h.reply("qGlasshouse.attach:1") == "OK");
    CHECK(h.target.attached_domain == 1);
    CHECK(h.reply("qGlasshouse.attach:7") == "E13");
    CHECK(h.reply("qGlasshouse.attach:10000") == "E16");
    CHECK(h.reply("qGlasshouse.attach:") == "E01");
}
