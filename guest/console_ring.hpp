// A domU's console ring, as in Xen: the builder gives every domU a page
// (start_info.console.domU.mfn) holding Xen's xencons_interface and an event
// channel unbound for domain 0. Our printk writes each message there (and,
// as before, through console_io to the hypervisor's log, which stays the
// lossless record). Domain 0's console relay (guest/console_relay.hpp)
// reads the ring and shows it on its own console. The ring never blocks
// us: with nobody reading, what does not fit is dropped and counted.
#pragma once

#include "hv/abi/xen.hpp"

namespace guest {

// Xen's public/io/console.h layout.
struct XenconsInterface {
    char in[1024];
    char out[2048];
    u32 in_cons, in_prod;
    u32 out_cons, out_prod;
};
static_assert(sizeof(XenconsInterface) == 3088);
static_assert(offsetof(XenconsInterface, out_prod) == 3084);

// Maps our console ring (domUs only; no-op for domain 0). Call before the
// first printk.
void console_ring_init(const xen::StartInfo& si);
// Appends to the ring and notifies domain 0.
void console_ring_write(const char* buf, usize len);

} // namespace guest
