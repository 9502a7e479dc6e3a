// The backend's reorder rules (guest/blk/protocol.hpp): requests enter in
// ring order and may run in any order the rules allow. The queue only
// answers "may this one start now?"; which allowed request runs next is the
// backend's choice (it picks at random, so the rules are really exercised).
//
// A window of at most kCapacity requests, indexed by a sequence number that
// counts requests in ring order; completed requests at the head leave it.
#pragma once

#include "hv/lib/types.hpp"

namespace blk {

enum class Kind : u8 { read, write, barrier, flush };

class OrderQueue {
  public:
    static constexpr u32 kCapacity = 64; // at least the ring's slots

    // Appends a request behind every queued one; false if the window is full.
    [[nodiscard]] bool push(Kind kind, u32& seq);

    // Whether request seq (queued, not started) may start now.
    bool may_start(u32 seq) const;
    void start(u32 seq);
    void complete(u32 seq);

    u32 head() const { return head_; } // oldest request not yet completed
    u32 tail() const { return tail_; } // sequence number of the next push
    bool empty() const { return head_ == tail_; }
    bool started(u32 seq) const { return at(seq).started; }
    bool done(u32 seq) const { return at(seq).done; }
    Kind kind(u32 seq) const { return at(seq).kind; }

  private:
    struct Entry {
        Kind kind;
        bool started;
        bool done;
    };
    const Entry& at(u32 seq) const { return e_[seq % kCapacity]; }
    Entry& at(u32 seq) { return e_[seq % kCapacity]; }

    Entry e_[kCapacity] = {};
    u32 head_ = 0;
    u32 tail_ = 0;
};

} // namespace blk
