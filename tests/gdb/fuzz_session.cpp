// libFuzzer target: the packet reader and the command dispatcher, through a
// Session over the fake target. The first input byte picks a mode:
//   even: the rest is packet bodies separated by '\n', each framed with a
//         correct checksum (so the fuzzer reaches the dispatcher at once);
//   odd:  the rest is fed as raw bytes (framing, acks, Ctrl-C, RLE).
// Bit 1 turns on reply RLE, bit 2 makes continue run until interrupted.
// Every write the stub makes must fit one framed maximum-size packet.
#include "gdbstub/packet_encoder.hpp"
#include "gdbstub/session.hpp"
#include "tests/gdb/fake_target.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace {

class CheckedOutput final : public gdb::Output {
  public:
    void write(const u8* data, usize len) override {
        if (len == 0 || len > gdb::kMaxPacket + gdb::kFrameOverhead) __builtin_trap();
        if (len > 1 && (data[0] != '$' || data[len - 3] != '#')) __builtin_trap();
        if (len > 1 && gdb::checksum(data + 1, len - 4) != parse_sum(data + len - 2))
            __builtin_trap();
    }

  private:
    static unsigned parse_sum(const u8* p) {
        auto v = [](u8 c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
        return static_cast<unsigned>(v(p[0]) << 4 | v(p[1]));
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    u8 mode = data[0];
    gdb::test::FakeTarget target;
    target.run_forever = mode & 4;
    CheckedOutput out;
    gdb::SessionOptions opts;
    opts.rle = mode & 2;
    static gdb::Session* session = nullptr;
    alignas(gdb::Session) static unsigned char storage[sizeof(gdb::Session)];
    session = new (storage) gdb::Session(target, out, opts); // no heap churn per input
    ++data;
    --size;
    if (mode & 1) {
        session->feed(data, size);
    } else {
        std::vector<u8> framed(gdb::kMaxPacket * 2 + gdb::kFrameOverhead);
        size_t start = 0;
        for (size_t i = 0; i <= size; ++i) {
            if (i != size && data[i] != '\n') continue;
            usize n =
                gdb::encode_packet(data + start, i - start, false, framed.data(), framed.size());
            if (n) session->feed(framed.data(), n);
            session->poll();
            const u8 ctrl_c = 0x03;
            session->feed(&ctrl_c, 1);
            start = i + 1;
        }
    }
    session->poll();
    return 0;
}
