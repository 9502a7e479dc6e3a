// The balloon driver of a domU (option `balloon`): serves domain 0's memory
// targets (guest/balloon/protocol.hpp) until told to stop. Frames given
// back come from the top of our pseudo-physical space, above the initial
// mapping and below the console and store pages, so nothing we use ever
// points at them; reclaimed frames return to those PFNs (p2m and M2P
// updated).
#pragma once

#include "hv/abi/xen.hpp"

namespace guest::balloon {

// False on a setup failure (printed).
bool run_balloon_driver(const xen::StartInfo& si);

} // namespace guest::balloon
