// Leaving the domain: the last line every boot prints.
#pragma once

#include "hv/abi/hypercalls.hpp"

namespace guest {

// Prints "Glasshouse guest: shutting down (<reason>)" and asks the
// hypervisor to shut the domain down. Never returns: if SCHEDOP_shutdown
// fails it says so and yields forever, so a test sees a hang plus a message
// rather than a guest running past its end.
[[noreturn]] void shutdown(xen::ShutdownReason reason);

} // namespace guest
