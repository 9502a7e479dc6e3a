// A CPU's pending timers, earliest deadline first. The hypervisor glue
// (hv/time/timer.cpp) keeps one queue per physical CPU, programs that
// CPU's one-shot LAPIC timer for next_deadline() and runs what
// pop_expired() hands back.
//
// Concurrency contract: a queue belongs to one CPU and is only touched
// with interrupts off on that CPU (or, for cross-CPU use later, under a
// per-queue lock the caller holds). Nothing here allocates: timers are
// embedded in their owners.
#pragma once

#include "hv/lib/types.hpp"

namespace hvtime {

class TimerQueue;

struct Timer {
    using Handler = void (*)(Timer* t, u64 now);
    Handler fn = nullptr;
    void* owner = nullptr; // what fn acts on (a vCPU, a CPU)

    // Maintained by the queue.
    u64 deadline = 0;
    Timer* next = nullptr;
    TimerQueue* queue = nullptr; // non-null while armed
    bool armed() const { return queue != nullptr; }
};

constexpr u64 kNoDeadline = ~0ull;

class TimerQueue {
  public:
    // (Re)arms t to expire at `deadline` (absolute ns), moving it here from
    // whatever queue held it. Equal deadlines expire in arming order.
    void arm(Timer* t, u64 deadline);
    void cancel(Timer* t);
    // Earliest armed deadline, kNoDeadline if none.
    u64 next_deadline() const { return head_ ? head_->deadline : kNoDeadline; }
    // Removes and returns one timer whose deadline is <= now, or nullptr.
    // The caller runs its handler, which may re-arm it.
    Timer* pop_expired(u64 now);
    bool empty() const { return head_ == nullptr; }

  private:
    void unlink(Timer* t);
    Timer* head_ = nullptr;
};

} // namespace hvtime
