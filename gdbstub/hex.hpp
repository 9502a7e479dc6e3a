// Strict hex parsing over a cursor. Every parse says exactly why it failed
// (no digits, too many digits, a missing separator) instead of stopping at
// the first odd character the way strtoul does, so a malformed packet never
// turns into a plausible address.
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

enum class ParseError : u8 {
    Ok,
    NoDigits,         // a number was expected here
    Overflow,         // more than 16 significant hex digits
    BadHex,           // odd length or a non-hex character in a byte string
    MissingSeparator, // the expected ',' ':' ';' '=' was not there
    TrailingData,     // input left over after the last field
};

// -1 when c is not a hex digit.
int hex_value(char c);
char hex_digit(unsigned v); // v in 0..15, lowercase

// Reads from [pos, end) of a packet body. Never reads past end.
class Cursor {
  public:
    Cursor(const char* data, usize size) : p_(data), end_(data + size) {}

    bool at_end() const { return p_ == end_; }
    usize remaining() const { return static_cast<usize>(end_ - p_); }
    const char* pos() const { return p_; }
    char peek() const { return at_end() ? '\0' : *p_; }
    void skip(usize n) { p_ += (n < remaining() ? n : remaining()); }

    // Consumes c if it is next.
    bool accept(char c);
    ParseError expect(char c) { return accept(c) ? ParseError::Ok : ParseError::MissingSeparator; }
    // Consumes the literal string s if the input starts with it.
    bool accept(const char* s);

    // One or more hex digits (leading zeros allowed), value must fit 64 bits.
    ParseError hex_u64(u64& out);

  private:
    const char* p_;
    const char* end_;
};

// Decodes 2*n hex characters into n bytes. dst may alias src (decoding in
// place only ever writes behind the read position).
ParseError hex_decode(const char* src, usize src_len, u8* dst, usize& out_len);

} // namespace gdb
