// Receive side of packet framing: a byte-at-a-time state machine, so a
// serial interrupt handler or a socket loop can feed whatever arrived.
//
//   idle --'$'--> body --'#'--> sum1 --hex--> sum2 --hex--> (outcome) idle
//
// While idle, '+' and '-' are acknowledgements and 0x03 is gdb's
// out-of-band interrupt (Ctrl-C); other bytes are line noise and ignored.
// Run-length encoding ('x*n') is expanded as the body arrives; binary
// escapes ('}') are left for the command that expects binary data, because
// only the command knows where its binary part starts.
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

// Body bytes a packet may carry after run-length expansion. Advertised to
// gdb as PacketSize; gdb keeps '$', '#' and the checksum within it too.
constexpr usize kMaxPacket = 4096;

enum class RxEvent : u8 {
    None,         // byte consumed, nothing complete yet
    Packet,       // a packet with a good checksum: body() is valid
    BadChecksum,  // framing complete but the checksum does not match
    Oversized,    // good checksum but longer than kMaxPacket (body dropped)
    Truncated,    // a '$' arrived inside a packet: the old one is abandoned
    BadRunLength, // '*' at the start of a body or with a count out of range
    Ack,          // '+'
    Nak,          // '-'
    Interrupt,    // 0x03 between packets
};

class PacketReader {
  public:
    RxEvent feed(u8 byte);
    // The last complete packet's body. Mutable: commands decode hex and
    // binary data in place. Valid until the next feed().
    char* body() { return reinterpret_cast<char*>(buf_); }
    usize size() const { return len_; }
    void reset() { state_ = State::Idle; }

  private:
    enum class State : u8 { Idle, Body, RunCount, Sum1, Sum2 };
    void start();
    void append(u8 b);

    State state_ = State::Idle;
    u8 buf_[kMaxPacket];
    usize len_ = 0;
    u8 sum_ = 0;      // running checksum of the raw (unexpanded) body
    u8 expected_ = 0; // checksum as received
    bool overflow_ = false;
    bool bad_run_ = false;
};

} // namespace gdb
