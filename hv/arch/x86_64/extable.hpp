// Exception table: instructions in the hypervisor that may fault on guest
// memory, and where execution resumes when they do (uaccess.S).
#pragma once

#include "hv/lib/types.hpp"

namespace arch {

// Resume address for a fault at rip, or 0 if rip is not a listed access.
u64 extable_fixup(u64 rip);

} // namespace arch

extern "C" usize raw_copy(void* dst, const void* src, usize n);
