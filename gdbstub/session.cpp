// Session: ties the packet reader, the dispatcher and the encoder together
// (see session.hpp and PROTOCOL.md, "Framing").
#include "gdbstub/session.hpp"

#include "gdbstub/command_table.hpp"

namespace gdb {
namespace {

bool starts_with(const char* body, usize len, const char* prefix) {
    for (usize i = 0; prefix[i]; i++)
        if (i >= len || body[i] != prefix[i]) return false;
    return true;
}

} // namespace

Session::Session(Target& target, Output& out, SessionOptions opts)
    : target_(target), out_(out), opts_(opts), reply_(reply_buf_, sizeof reply_buf_),
      ctx_(target, reply_, scratch_, sizeof scratch_) {}

void Session::reset() {
    rx_.reset();
    forget_connection();
}

void Session::forget_connection() {
    ctx_.peer = PeerFeatures{};
    ctx_.g_thread = ThreadSel{};
    ctx_.c_thread = ThreadSel{};
    ctx_.thread_cursor = 0;
    ctx_.start_no_ack = false;
    no_ack_ = false;
    running_ = false;
    ctx_.detached = false;
    tx_len_ = 0;
    in_use_ = false;
}

void Session::begin_connection() {
    if (in_use_) (void)target_.detach(); // what the old gdb left behind
    forget_connection();
}

void Session::feed(const u8* data, usize len) {
    static constexpr u8 kAck = '+';
    static constexpr u8 kNak = '-';
    for (usize i = 0; i < len; ++i) {
        switch (rx_.feed(data[i])) {
        case RxEvent::None:
        case RxEvent::Ack:
            break;
        case RxEvent::Nak:
            if (!no_ack_ && tx_len_) send_raw(tx_, tx_len_);
            break;
        case RxEvent::Interrupt:
            // Only meaningful while running; a stopped target ignores it.
            // A target that cannot be interrupted keeps running: gdb's
            // second Ctrl-C offers the user to give up waiting.
            if (running_ && target_.interrupt() == Error::Ok) poll();
            break;
        case RxEvent::Truncated:
        case RxEvent::BadChecksum:
            // Ask for a resend. Without acks gdb cannot resend, so the best
            // we can do is an error reply to whatever it was.
            if (!no_ack_)
                send_raw(&kNak, 1);
            else
                send_error(Error::Malformed);
            break;
        case RxEvent::Oversized:
        case RxEvent::BadRunLength:
            if (!no_ack_) send_raw(&kAck, 1);
            send_error(Error::Malformed);
            break;
        case RxEvent::Packet:
            if (starts_with(rx_.body(), rx_.size(), "qSupported")) begin_connection();
            if (!no_ack_) send_raw(&kAck, 1);
            on_packet();
            break;
        }
    }
}

void Session::on_packet() {
    in_use_ = true;
    reply_.clear();
    ctx_.resumed = false;
    ctx_.no_reply = false;
    dispatch(ctx_, rx_.body(), rx_.size());
    if (ctx_.no_reply) return;
    if (ctx_.resumed) {
        running_ = true;
        poll(); // a target that stops at once answers now
        return;
    }
    if (reply_.overflowed()) return send_error(Error::NoSpace);
    send_reply();
    if (ctx_.start_no_ack) {
        ctx_.start_no_ack = false;
        no_ack_ = true;
    }
}

void Session::poll() {
    if (!running_) return;
    StopEvent ev;
    if (!target_.poll_stop(ev)) return;
    running_ = false;
    ctx_.last_stop = ev;
    reply_.clear();
    write_stop_reply(ctx_, ev, reply_);
    send_reply();
}

void Session::send_error(Error e) {
    reply_.clear();
    ctx_.error(e);
    send_reply();
}

void Session::send_reply() {
    tx_len_ = encode_packet(reply_.data(), reply_.size(), opts_.rle, tx_, sizeof tx_);
    send_raw(tx_, tx_len_);
}

} // namespace gdb
