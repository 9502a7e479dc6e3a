// Ticket spinlock: FIFO fair, so no CPU starves behind others re-taking the
// lock. Callers run with interrupts disabled (all hypervisor code does,
// except the idle loop), so a holder is never interrupted by code that
// wants the same lock on the same CPU.
#pragma once

#include "hv/lib/types.hpp"

class Spinlock {
  public:
    void lock() {
        u32 ticket = __atomic_fetch_add(&next_, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket)
            __builtin_ia32_pause();
    }

    // Spins like lock(), calling `poll()` while waiting: a CPU that waits
    // for the lock with interrupts off must still answer requests that the
    // holder may be waiting on (TLB shootdowns).
    template <class Poll>
    void lock_polling(Poll&& poll) {
        u32 ticket = __atomic_fetch_add(&next_, 1, __ATOMIC_RELAXED);
        while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket) {
            poll();
            __builtin_ia32_pause();
        }
    }

    bool try_lock() {
        u32 serving = __atomic_load_n(&serving_, __ATOMIC_RELAXED);
        u32 expected = serving;
        return __atomic_compare_exchange_n(&next_, &expected, serving + 1, false, __ATOMIC_ACQUIRE,
                                           __ATOMIC_RELAXED);
    }

    void unlock() { __atomic_store_n(&serving_, serving_ + 1, __ATOMIC_RELEASE); }

    bool is_locked() const {
        return __atomic_load_n(&next_, __ATOMIC_RELAXED) !=
               __atomic_load_n(&serving_, __ATOMIC_RELAXED);
    }

  private:
    u32 next_ = 0;
    u32 serving_ = 0;
};

class SpinlockGuard {
  public:
    explicit SpinlockGuard(Spinlock& l) : l_(l) { l_.lock(); }
    ~SpinlockGuard() { l_.unlock(); }
    SpinlockGuard(const SpinlockGuard&) = delete;
    SpinlockGuard& operator=(const SpinlockGuard&) = delete;

  private:
    Spinlock& l_;
};
