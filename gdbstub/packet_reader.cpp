// Packet framing state machine (see packet_reader.hpp).
#include "gdbstub/packet_reader.hpp"

#include "gdbstub/escape.hpp"
#include "gdbstub/hex.hpp"

namespace gdb {

void PacketReader::start() {
    state_ = State::Body;
    len_ = 0;
    sum_ = 0;
    overflow_ = false;
    bad_run_ = false;
}

void PacketReader::append(u8 b) {
    if (len_ == kMaxPacket) {
        overflow_ = true; // keep framing so the checksum still tells us it ended
        return;
    }
    buf_[len_++] = b;
}

RxEvent PacketReader::feed(u8 byte) {
    switch (state_) {
    case State::Idle:
        if (byte == '$')
            start();
        else if (byte == '+')
            return RxEvent::Ack;
        else if (byte == '-')
            return RxEvent::Nak;
        else if (byte == 0x03)
            return RxEvent::Interrupt;
        return RxEvent::None;

    case State::Body:
        if (byte == '$') {
            start();
            return RxEvent::Truncated;
        }
        if (byte == '#') {
            state_ = State::Sum1;
            return RxEvent::None;
        }
        sum_ = static_cast<u8>(sum_ + byte);
        if (byte == kRunChar) {
            if (len_ == 0 && !overflow_) bad_run_ = true; // nothing to repeat
            state_ = State::RunCount;
            return RxEvent::None;
        }
        append(byte);
        return RxEvent::None;

    case State::RunCount: {
        if (byte == '$') {
            start();
            return RxEvent::Truncated;
        }
        sum_ = static_cast<u8>(sum_ + byte);
        state_ = State::Body;
        if (byte == '#') { // '*#' would make the count look like the end
            bad_run_ = true;
            state_ = State::Sum1;
            return RxEvent::None;
        }
        if (byte < kRunBias + 3 || byte > 126) {
            bad_run_ = true;
            return RxEvent::None;
        }
        if (len_ == 0) return RxEvent::None;
        u8 repeat = buf_[len_ - 1];
        for (usize n = byte - kRunBias; n > 0; --n)
            append(repeat);
        return RxEvent::None;
    }

    case State::Sum1: {
        if (byte == '$') {
            start();
            return RxEvent::Truncated;
        }
        int v = hex_value(static_cast<char>(byte));
        expected_ = static_cast<u8>(v < 0 ? 0 : v << 4);
        state_ = v < 0 ? State::Idle : State::Sum2;
        return v < 0 ? RxEvent::BadChecksum : RxEvent::None;
    }

    case State::Sum2: {
        if (byte == '$') {
            start();
            return RxEvent::Truncated;
        }
        state_ = State::Idle;
        int v = hex_value(static_cast<char>(byte));
        if (v < 0 || static_cast<u8>(expected_ | v) != sum_) return RxEvent::BadChecksum;
        if (overflow_) return RxEvent::Oversized;
        if (bad_run_) return RxEvent::BadRunLength;
        return RxEvent::Packet;
    }
    }
    return RxEvent::None;
}

} // namespace gdb
