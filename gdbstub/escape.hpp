// Binary escaping and run-length encoding of the GDB remote protocol.
// Escaping protects binary payloads (X packets, qXfer replies); run-length
// encoding shortens replies and may appear in anything gdb sends.
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

constexpr u8 kEscapeChar = '}';
constexpr u8 kEscapeXor = 0x20;
constexpr u8 kRunChar = '*';
// A run count is sent as (count + 29); counts that would produce '#' or '$'
// (6 and 7) are never used, and printable ASCII ends at '~' (126).
constexpr usize kRunBias = 29;
constexpr usize kMaxRunRepeat = 126 - kRunBias;

inline bool needs_escape(u8 b) {
    return b == '#' || b == '$' || b == '}' || b == '*';
}

// Undoes '}' escaping in place; returns the decoded length, or false when
// the data ends in a lone '}'.
bool unescape_in_place(u8* data, usize len, usize& out_len);

// Run-length encodes payload into out (used by the packet encoder). Returns
// false when out is too small.
bool rle_encode(const u8* payload, usize len, u8* out, usize cap, usize& out_len);

} // namespace gdb
