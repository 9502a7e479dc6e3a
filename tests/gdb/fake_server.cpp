// glass-gdb-fake-server: serves the fake target over TCP so stock gdb can
// be tested against the protocol layer without a hypervisor.
//   glass-gdb-fake-server [PORT]   (default 0: an ephemeral port)
// Prints "listening on port N" once ready, serves one connection, and exits
// when gdb detaches or disconnects.
#include "tests/gdb/fake_target.hpp"
#include "tests/gdb/tcp_server.hpp"

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    int port = argc > 1 ? std::atoi(argv[1]) : 0;
    gdb::test::TcpStubServer server(static_cast<u16>(port));
    if (!server.ok()) {
        std::perror("glass-gdb-fake-server");
        return 1;
    }
    std::printf("listening on port %d\n", server.port());
    std::fflush(stdout);
    gdb::test::FakeTarget target;
    server.serve(target);
    return 0;
}
