// Exception handling for the `traps` boot option. Without it the kernel has
// no trap table, and any fault makes the hypervisor crash the domain, which
// is what the `fault=` options without `traps` are for.
#pragma once

namespace guest {

constexpr unsigned kHandledVectors = 20; // 0..19: the architectural exceptions

// Registers handlers for vectors 0-19. Returns 0 or a negative Xen errno.
long install_trap_table();

} // namespace guest
