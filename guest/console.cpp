#include "guest/console.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/console_ring.hpp"
#include "hv/lib/format.hpp"

#include <cstdarg>

namespace guest {

void printk(const char* fmt, ...) {
    // On the stack, not static: trap handlers print too, possibly while
    // kmain is in the middle of a printk.
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    usize len = format_v(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (len >= sizeof(buf)) len = sizeof(buf) - 1;
    console_write(buf, len);
    console_ring_write(buf, len);
}

} // namespace guest
