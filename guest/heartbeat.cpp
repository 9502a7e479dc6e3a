#include "guest/heartbeat.hpp"

#include "guest/clock.hpp"
#include "guest/console.hpp"

namespace guest {

void run_heartbeat(u32 interval_ms) {
    printk("Glasshouse guest: beating every %u ms\n", interval_ms);
    for (u64 n = 1;; n++) {
        u64 due = system_time_ns() + u64{interval_ms} * 1000000;
        while (system_time_ns() < due)
            asm volatile("pause");
        printk("Glasshouse guest: beat %lu\n", n);
    }
}

} // namespace guest
