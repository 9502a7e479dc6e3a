// System time as the hypervisor publishes it in vcpu_info[0].time
// (docs/pv-abi.md §1.9). Needs the shared_info page mapped.
#pragma once

#include "hv/lib/types.hpp"

namespace guest {

u64 system_time_ns();

} // namespace guest
