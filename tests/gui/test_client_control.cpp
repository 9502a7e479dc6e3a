// ClientControl over a real socket to the gdbstub Session serving the fake
// target: several threads share its one connection (the workbench polls
// injections from a worker while panels call from the frame loop), and
// each call's exchange must stay whole. A registers() call is two packets
// (Hg to pick the thread, then g); interleaved with another thread's Hg it
// would read the wrong vCPU's registers, or garble the byte stream.
#include "gui/session/client_control.hpp"
#include "tests/gdb/fake_target.hpp"
#include "tests/gdb/tcp_server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using glass::gui::ClientControl;

namespace {

struct Served {
    Served() : thread([this] { server.serve(target, 1, false); }) {}
    ~Served() {
        server.stop();
        thread.join();
    }
    std::string at() const { return "127.0.0.1:" + std::to_string(server.port()); }

    gdb::test::FakeTarget target;
    gdb::test::TcpStubServer server;
    std::thread thread;
};

u64 reg(const std::vector<std::pair<std::string, u64>>& regs, const std::string& name) {
    for (const auto& [n, v] : regs)
        if (n == name) return v;
    return ~0ull;
}

} // namespace

TEST_CASE("ClientControl keeps each exchange whole across threads", "[gui][control]") {
    Served s;
    REQUIRE(s.server.ok());
    auto c = ClientControl::connect(s.at());
    REQUIRE(c.ok());
    ClientControl& control = **c;

    // The fake target's rax is 0x1000 + domain * 0x100 + vcpu.
    constexpr int kCalls = 300;
    std::atomic<int> wrong{0}, failed{0};
    std::string first_error;
    std::mutex error_lock;
    auto reader = [&](u16 dom, u32 vcpu) {
        for (int i = 0; i < kCalls; i++) {
            auto r = control.registers(dom, vcpu);
            if (!r.ok()) {
                failed++;
                std::lock_guard<std::mutex> g(error_lock);
                if (first_error.empty()) first_error = r.error();
                continue;
            }
            if (reg(*r, "rax") != 0x1000u + dom * 0x100u + vcpu) wrong++;
        }
    };
    std::vector<std::thread> threads;
    threads.emplace_back(reader, u16{0}, 0u);
    threads.emplace_back(reader, u16{0}, 1u);
    threads.emplace_back(reader, u16{1}, 0u);
    for (auto& t : threads)
        t.join();
    INFO("first error: " << first_error);
    CHECK(failed == 0);
    CHECK(wrong == 0);
}
