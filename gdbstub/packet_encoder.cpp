// Reply framing (see packet_encoder.hpp).
#include "gdbstub/packet_encoder.hpp"

#include "gdbstub/escape.hpp"
#include "gdbstub/hex.hpp"
#include "hv/lib/string.hpp"

namespace gdb {

u8 checksum(const u8* data, usize len) {
    u8 sum = 0;
    for (usize i = 0; i < len; ++i)
        sum = static_cast<u8>(sum + data[i]);
    return sum;
}

usize encode_packet(const u8* payload, usize len, bool rle, u8* out, usize cap) {
    if (cap < kFrameOverhead) return 0;
    out[0] = '$';
    usize body = 0;
    if (rle) {
        if (!rle_encode(payload, len, out + 1, cap - kFrameOverhead, body)) return 0;
    } else {
        if (len > cap - kFrameOverhead) return 0;
        memcpy(out + 1, payload, len);
        body = len;
    }
    u8 sum = checksum(out + 1, body);
    out[1 + body] = '#';
    out[2 + body] = static_cast<u8>(hex_digit(sum >> 4));
    out[3 + body] = static_cast<u8>(hex_digit(sum));
    return body + kFrameOverhead;
}

} // namespace gdb
