// The shared_info page: a hypervisor-owned frame the builder does not map.
// start_info gives only its machine address, so we map it over a page of our
// own .bss, as XTF does (docs/pv-abi.md §1.9).
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

// Maps the page; returns 0 or the negative Xen errno of update_va_mapping.
long map_shared_info(const xen::StartInfo& start_info);

// The mapped page, or nullptr before (or after a failed) map_shared_info.
xen::SharedInfo* shared_info();

} // namespace guest
