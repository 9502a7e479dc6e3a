// Send side of packet framing: '$' payload '#' checksum, optionally
// run-length encoded. The payload must already be escaped where it carries
// binary data (Writer::put_binary does that as replies are built).
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

// Bytes framing adds around a payload: '$', '#' and two checksum digits.
constexpr usize kFrameOverhead = 4;

// Frames payload into out. Returns the framed length, or 0 when out is too
// small (cap >= len + kFrameOverhead always suffices: RLE only shrinks).
usize encode_packet(const u8* payload, usize len, bool rle, u8* out, usize cap);

// Checksum of a packet body: the sum of its bytes modulo 256.
u8 checksum(const u8* data, usize len);

} // namespace gdb
