// glass-gdb-bench: packet codec and dispatcher throughput on the host.
// Not a test: prints figures to compare changes against. The hypervisor's
// end-to-end figures (serial line under QEMU) will come with its transport.
#include "gdbstub/packet_encoder.hpp"
#include "gdbstub/packet_reader.hpp"
#include "gdbstub/session.hpp"
#include "tests/gdb/fake_target.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace gdb;
using Clock = std::chrono::steady_clock;

namespace {

class CountingOutput final : public Output {
  public:
    void write(const u8*, usize len) override { bytes += len; }
    u64 bytes = 0;
};

template <class F>
double seconds(F&& f) {
    auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

void report(const char* what, u64 bytes, double s) {
    std::printf("%-44s %9.1f MB/s\n", what, static_cast<double>(bytes) / s / 1e6);
}

std::string hex_payload(bool zeros) {
    std::string p;
    for (usize i = 0; i < kMaxPacket; ++i)
        p += zeros ? '0' : "0123456789abcdef"[(i * 7) % 16];
    return p;
}

std::string framed(const std::string& body) {
    std::vector<u8> buf(body.size() + kFrameOverhead);
    usize n = encode_packet(reinterpret_cast<const u8*>(body.data()), body.size(), false,
                            buf.data(), buf.size());
    return std::string(buf.begin(), buf.begin() + static_cast<long>(n));
}

} // namespace

int main() {
    constexpr int kRounds = 20000;
    std::vector<u8> out(kMaxPacket + kFrameOverhead);
    for (bool zeros : {false, true}) {
        std::string p = hex_payload(zeros);
        for (bool rle : {false, true}) {
            usize n = 0;
            double s = seconds([&] {
                for (int i = 0; i < kRounds; ++i) {
                    n = encode_packet(reinterpret_cast<const u8*>(p.data()), p.size(), rle,
                                      out.data(), out.size());
                }
            });
            char what[80];
            std::snprintf(what, sizeof what, "encode 4 KiB %s, rle %s (%zu B framed)",
                          zeros ? "zeros" : "mixed", rle ? "on " : "off", n);
            report(what, static_cast<u64>(p.size()) * kRounds, s);

            std::vector<u8> frame_bytes(out.begin(), out.begin() + static_cast<long>(n));
            PacketReader reader;
            u64 packets = 0;
            s = seconds([&] {
                for (int i = 0; i < kRounds; ++i) {
                    for (u8 b : frame_bytes)
                        packets += reader.feed(b) == RxEvent::Packet;
                }
            });
            std::snprintf(what, sizeof what, "decode 4 KiB %s, rle %s", zeros ? "zeros" : "mixed",
                          rle ? "on " : "off");
            report(what, static_cast<u64>(p.size()) * kRounds, s);
            if (packets != kRounds)
                std::printf("  (decoded %llu packets!)\n",
                            static_cast<unsigned long long>(packets));
        }
    }

    // Whole-session figures over the fake target: 2 KiB memory reads (the
    // most one reply holds) and single-register reads.
    test::FakeTarget target;
    CountingOutput sink;
    static Session session(target, sink);
    const std::string req = framed("mffffffff81000000,800");
    double s = seconds([&] {
        for (int i = 0; i < kRounds; ++i) {
            session.feed(reinterpret_cast<const u8*>(req.data()), req.size());
        }
    });
    report("session: m 2 KiB reads (guest bytes)", 2048ull * kRounds, s);
    const std::string p = framed("p10");
    s = seconds([&] {
        for (int i = 0; i < kRounds; ++i) {
            session.feed(reinterpret_cast<const u8*>(p.data()), p.size());
        }
    });
    std::printf("%-44s %9.2f us\n", "session: p10 (rip) request to reply", s / kRounds * 1e6);
    // Every request must have been answered (ack + reply), not nak'ed.
    if (sink.bytes < 2ull * kRounds * (1 + kFrameOverhead)) std::printf("  (requests rejected!)\n");
    return 0;
}
