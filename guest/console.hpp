// Kernel console: every line goes to the hypervisor's console through
// console_io(CONSOLEIO_write), which works for dom0 before (and without)
// any PV console ring.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

// printf-like (hv/lib/format.hpp); output longer than one buffer is cut.
void printk(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace guest
