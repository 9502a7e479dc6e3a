// One gdb connection: framing, acknowledgements, dispatch and stop replies.
// Transport-neutral: bytes come in through feed() and go out through an
// Output, so the same Session serves a hypervisor serial port, a host TCP
// socket and the tests. Fixed-size buffers only (about 10 KiB per session).
#pragma once

#include "gdbstub/context.hpp"
#include "gdbstub/packet_encoder.hpp"
#include "gdbstub/packet_reader.hpp"

namespace gdb {

class Output {
  public:
    virtual void write(const u8* data, usize len) = 0;

  protected:
    ~Output() = default;
};

struct SessionOptions {
    // Run-length encode replies: registers and memory are full of zeros,
    // and a serial line is slow.
    bool rle = true;
};

class Session {
  public:
    Session(Target& target, Output& out, SessionOptions opts = {});

    // Processes received bytes: acks, packets, Ctrl-C.
    void feed(const u8* data, usize len);
    // While the target runs, asks it for a stop and sends the stop reply.
    void poll();
    // Forget everything negotiated (a new connection).
    void reset();

    bool running() const { return running_; }
    bool no_ack() const { return no_ack_; }
    bool detached() const { return ctx_.detached; }

  private:
    // A qSupported packet opens a connection: a gdb that went away without
    // detaching (killed, network gone) must not leave its breakpoints
    // planted and its domain stopped, so the target is detached from the
    // old session first, and acks are back on before this packet's ack.
    void begin_connection();
    void forget_connection();
    void on_packet();
    void send_reply();
    void send_error(Error e);
    void send_raw(const u8* data, usize len) { out_.write(data, len); }

    Target& target_;
    Output& out_;
    SessionOptions opts_;
    PacketReader rx_;
    u8 reply_buf_[kMaxPacket];
    u8 scratch_[kMaxPacket / 2];
    u8 tx_[kMaxPacket + kFrameOverhead]; // last packet sent, for '-' resends
    usize tx_len_ = 0;
    Writer reply_;
    Context ctx_;
    bool no_ack_ = false;
    bool running_ = false;
    bool in_use_ = false; // a packet was handled since the connection began
};

} // namespace gdb
