#include "guest/blk/ordering.hpp"

namespace blk {

bool OrderQueue::push(Kind kind, u32& seq) {
    if (tail_ - head_ == kCapacity) return false;
    seq = tail_++;
    at(seq) = {kind, false, false};
    return true;
}

bool OrderQueue::may_start(u32 seq) const {
    const Entry& me = at(seq);
    if (me.started || seq - head_ >= tail_ - head_) return false;
    // Everything before head_ has completed; look only at the window ahead.
    for (u32 s = head_; s != seq; s++) {
        const Entry& ahead = at(s);
        if (ahead.done) continue;
        // Nothing passes an unfinished barrier, and a barrier waits for all.
        if (ahead.kind == Kind::barrier || me.kind == Kind::barrier) return false;
        // A flush waits for the writes ahead of it; reads may still run.
        if (me.kind == Kind::flush && ahead.kind == Kind::write) return false;
    }
    return true;
}

void OrderQueue::start(u32 seq) {
    at(seq).started = true;
}

void OrderQueue::complete(u32 seq) {
    at(seq).done = true;
    while (head_ != tail_ && at(head_).done)
        head_++;
}

} // namespace blk
