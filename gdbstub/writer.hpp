// Bounded output for reply payloads. A write that does not fit sets a sticky
// overflow flag and is dropped, so a handler can write without checking each
// call and the session turns an overflowed reply into an error reply instead
// of sending a cut-off one.
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

// Formats v into buf (no terminator); returns the number of characters.
usize format_hex(u64 v, char (&buf)[16]);
usize format_dec(u64 v, char (&buf)[20]);

class Writer {
  public:
    Writer(u8* buf, usize capacity) : buf_(buf), cap_(capacity) {}

    void put(char c);
    void put(const char* s);
    void put(const char* s, usize n);
    void put_hex(u64 v); // minimal digits, lowercase
    void put_dec(u64 v);
    // Each byte as two hex digits, in memory order.
    void put_hex_bytes(const u8* p, usize n);
    // One byte of binary data, escaped as '}' (b ^ 0x20) when it is one of
    // '#' '$' '}' '*'. False (and nothing written) when it does not fit;
    // this does not set the overflow flag because binary replies are allowed
    // to be short.
    bool put_binary(u8 b);

    usize room() const { return cap_ - len_; }
    usize size() const { return len_; }
    bool overflowed() const { return overflow_; }
    const u8* data() const { return buf_; }
    u8* data() { return buf_; }
    void patch(usize at, u8 c) {
        if (at < len_) buf_[at] = c;
    }
    void clear() {
        len_ = 0;
        overflow_ = false;
    }

  private:
    u8* buf_;
    usize cap_;
    usize len_ = 0;
    bool overflow_ = false;
};

// A window [offset, offset+length) onto a generated document, for qXfer
// reads: the generator writes the whole document every time and only the
// window's bytes reach the reply, binary-escaped. No document is ever held
// in memory, so thread lists of any length work without a heap.
class DocWindow {
  public:
    DocWindow(Writer& out, u64 offset, u64 length) : out_(out), offset_(offset), length_(length) {}

    void put(char c);
    void put(const char* s);
    void put_hex(u64 v);
    void put_dec(u64 v);
    // True when the reply holds everything from offset to the document's
    // end: the qXfer reply is then 'l', otherwise 'm'.
    bool complete() const { return !cut_; }

  private:
    Writer& out_;
    u64 offset_;
    u64 length_;
    u64 pos_ = 0;
    u64 sent_ = 0;
    bool cut_ = false;
};

} // namespace gdb
