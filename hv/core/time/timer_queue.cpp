#include "hv/core/time/timer_queue.hpp"

namespace hvtime {

// A sorted singly-linked list: a CPU holds a few timers per vCPU, so the
// O(n) insert costs less than a heap's bookkeeping and keeps FIFO order
// among equal deadlines for free.
void TimerQueue::arm(Timer* t, u64 deadline) {
    if (t->queue) t->queue->unlink(t);
    t->deadline = deadline;
    Timer** link = &head_;
    while (*link && (*link)->deadline <= deadline)
        link = &(*link)->next;
    t->next = *link;
    *link = t;
    t->queue = this;
}

void TimerQueue::cancel(Timer* t) {
    if (t->queue) t->queue->unlink(t);
}

void TimerQueue::unlink(Timer* t) {
    for (Timer** link = &head_; *link; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            break;
        }
    }
    t->next = nullptr;
    t->queue = nullptr;
}

Timer* TimerQueue::pop_expired(u64 now) {
    Timer* t = head_;
    if (!t || t->deadline > now) return nullptr;
    head_ = t->next;
    t->next = nullptr;
    t->queue = nullptr;
    return t;
}

} // namespace hvtime
