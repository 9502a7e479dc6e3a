// The host client (gdbstub/client) against the fake target served over TCP
// loopback by the same Session the hypervisor runs: typed calls, error
// replies with their meaning, and the transport's failures.
#include "gdbstub/client/client.hpp"
#include "tests/gdb/fake_target.hpp"
#include "tests/gdb/tcp_server.hpp"

#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace gdb::client;

namespace {

// A fake target served on an ephemeral port for the test's lifetime.
struct Served {
    explicit Served(int connections = 1)
        : thread([this, connections] { server.serve(target, connections, false); }) {}
    ~Served() {
        server.stop();
        thread.join();
    }
    Endpoint at() const { return Endpoint{"127.0.0.1", server.port()}; }

    gdb::test::FakeTarget target;
    gdb::test::TcpStubServer server;
    std::thread thread;
};

Client connected(const Served& s) {
    auto c = Client::connect(s.at());
    REQUIRE(c.ok());
    return std::move(*c);
}

} // namespace

TEST_CASE("client lists, pauses and unpauses domains", "[gdb][client]") {
    Served s;
    Client c = connected(s);
    auto d = c.domains();
    REQUIRE(d.ok());
    REQUIRE(d->size() == 2);
    CHECK((*d)[0].id == 0);
    CHECK((*d)[0].vcpus == 2);
    CHECK((*d)[1].id == 1);
    CHECK((*d)[1].vcpus == 1);
    CHECK((*d)[1].state == gdb::DomainState::Running);
    CHECK((*d)[1].memory_kib == 16 * 1024);

    REQUIRE(c.pause(1).ok());
    d = c.domains();
    REQUIRE(d.ok());
    CHECK((*d)[1].state == gdb::DomainState::Paused);
    CHECK((*d)[0].state == gdb::DomainState::Running);
    REQUIRE(c.unpause(1).ok());
    d = c.domains();
    REQUIRE(d.ok());
    CHECK((*d)[1].state == gdb::DomainState::Running);
}

TEST_CASE("client reports error replies with their code and meaning", "[gdb][client]") {
    Served s;
    Client c = connected(s);
    auto p = c.pause(7);
    REQUIRE_FALSE(p.ok());
    CHECK(p.error().kind == ErrorKind::ErrorReply);
    CHECK(p.error().code == 0x13);
    CHECK(describe(p.error()) == "qGlasshouse.pause:7: error E13 (no such domain)");

    auto q = c.query("qGlasshouse.pause:10000");
    REQUIRE_FALSE(q.ok());
    CHECK(q.error().code == 0x16);

    auto unknown = c.query("qNoSuchPacket");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().kind == ErrorKind::NotSupported);
    // raw() hands back whatever came, the empty reply included.
    auto r = c.raw("qNoSuchPacket");
    REQUIRE(r.ok());
    CHECK(r->empty());
    auto bad = c.raw("qGlasshouse.pause:zz");
    REQUIRE(bad.ok());
    CHECK(*bad == "E01");
}

TEST_CASE("client reads version and layout", "[gdb][client]") {
    Served s;
    Client c = connected(s);
    auto v = c.version();
    REQUIRE(v.ok());
    CHECK(*v == "glasshouse-gdbstub:1");
    auto l = c.layout();
    REQUIRE(l.ok());
    REQUIRE(l->size() == 3);
    CHECK((*l)[0].name == "m2p");
    CHECK((*l)[0].start == 0xffff800000000000ull);
    CHECK((*l)[2].end == 0xffff880000000000ull);
}

TEST_CASE("client expands run-length encoded replies", "[gdb][client]") {
    Served s;
    Client c = connected(s);
    // Registers are mostly zeros: the stub sends them run-length encoded.
    auto g = c.raw("g");
    REQUIRE(g.ok());
    CHECK(g->size() > 64);
    CHECK(g->find('*') == std::string::npos);
}

TEST_CASE("client refuses packets it cannot frame", "[gdb][client]") {
    Served s;
    Client c = connected(s);
    auto r = c.raw("m#1,2");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::BadArgument);
    // The connection is still good.
    CHECK(c.version().ok());
}

TEST_CASE("client survives a half packet left on the line", "[gdb][client]") {
    Served s(2);
    {
        // An earlier client that died mid-packet.
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(s.server.port());
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::send(fd, "$qGlassh", 8, 0) == 8);
        ::close(fd);
    }
    // The stub's session still holds "$qGlassh": the client's sync packet
    // must cut it off before its first real request.
    Client c = connected(s);
    CHECK(c.domains().ok());
}

TEST_CASE("client connection failures are precise", "[gdb][client]") {
    // Nothing listens on a port we bound and closed.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    u16 port = ntohs(a.sin_port);
    auto refused = Client::connect(Endpoint{"127.0.0.1", port});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::CannotConnect);
    CHECK(describe(refused.error()).find("Connection refused") != std::string::npos);

    // Listening but silent: a socket nobody serves.
    REQUIRE(::listen(fd, 1) == 0);
    ClientOptions quick;
    quick.timeout = std::chrono::milliseconds(200);
    auto silent = Client::connect(Endpoint{"127.0.0.1", port}, quick);
    REQUIRE_FALSE(silent.ok());
    CHECK(silent.error().kind == ErrorKind::Timeout);
    CHECK(describe(silent.error()).find("no GDB stub answers") != std::string::npos);
    ::close(fd);

    auto bad_host = Client::connect(Endpoint{"no-such-host.invalid", 1});
    REQUIRE_FALSE(bad_host.ok());
    CHECK(bad_host.error().kind == ErrorKind::CannotConnect);
}

TEST_CASE("reply parsers reject malformed replies", "[gdb][client]") {
    CHECK(parse_domains("").ok());
    CHECK(parse_domains("0,2,r,4000;1,1,s,4000")->size() == 2);
    CHECK_FALSE(parse_domains("0,2,r").ok());
    CHECK_FALSE(parse_domains("0,2,q,4000").ok());
    CHECK_FALSE(parse_domains("10000,1,r,1").ok());
    CHECK_FALSE(parse_domains("0,2,r,40zz").ok());
    CHECK(parse_layout("image:10,20")->at(0).end == 0x20);
    CHECK_FALSE(parse_layout("image:20,10").ok());
    CHECK_FALSE(parse_layout(":1,2").ok());
    u8 code = 0;
    std::string text;
    CHECK(parse_error_reply("E0e", code, text));
    CHECK(code == 0x0e);
    CHECK(text == "address not mapped");
    CHECK(parse_error_reply("E.busy", code, text));
    CHECK(text == "busy");
    CHECK_FALSE(parse_error_reply("OK", code, text));
    CHECK(is_stop_reply("T05thread:1;"));
    CHECK(is_stop_reply("W00"));
    CHECK_FALSE(is_stop_reply("OK"));
    CHECK_FALSE(is_stop_reply("E01"));
}

TEST_CASE("endpoints parse as HOST:PORT or PORT", "[gdb][client]") {
    auto a = parse_endpoint("1235");
    REQUIRE(a.ok());
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 1235);
    auto b = parse_endpoint("localhost:99");
    REQUIRE(b.ok());
    CHECK(b->host == "localhost");
    CHECK_FALSE(parse_endpoint("x:0").ok());
    CHECK_FALSE(parse_endpoint("x:70000").ok());
    CHECK_FALSE(parse_endpoint("x:12a").ok());
}
