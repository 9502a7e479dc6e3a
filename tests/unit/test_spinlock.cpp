#include "hv/lib/spinlock.hpp"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

TEST_CASE("spinlock serialises increments from several threads", "[spinlock]") {
    Spinlock lock;
    u64 counter = 0;
    constexpr int kThreads = 2, kIters = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++)
        threads.emplace_back([&] {
            for (int i = 0; i < kIters; i++) {
                SpinlockGuard g(lock);
                counter = counter + 1; // a data race without the lock
            }
        });
    for (auto& t : threads)
        t.join();
    CHECK(counter == u64{kThreads} * kIters);
    CHECK_FALSE(lock.is_locked());
}

TEST_CASE("try_lock fails while held and lock_polling polls while waiting", "[spinlock]") {
    Spinlock lock;
    REQUIRE(lock.try_lock());
    CHECK_FALSE(lock.try_lock());
    int polls = 0;
    std::thread waiter([&] {
        lock.lock_polling([&] { polls++; });
        lock.unlock();
    });
    while (polls == 0)
        std::this_thread::yield();
    lock.unlock();
    waiter.join();
    CHECK(polls > 0);
    CHECK_FALSE(lock.is_locked());
}
