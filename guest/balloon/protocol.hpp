// How domain 0 asks a domU's balloon driver for a memory target, without
// xenstore: a mailbox in the second half of the domU's store page (the
// first half carries the block device's announcement, guest/blk/connect.hpp),
// plus an event channel the domU allocates for domain 0.
//   1. the domU's driver writes its port, then kMagic, and waits;
//   2. domain 0 maps the store page (a foreign mapping: it built the domain
//      and knows store_mfn), binds the port, writes target_pages, bumps
//      target_seq and notifies; it first raises the domain's max_mem when
//      the target is above it (the hypervisor enforces nr_pages <= max);
//   3. the driver gives back (XENMEM_decrease_reservation) or reclaims
//      (XENMEM_increase_reservation) frames until its reservation is the
//      target or it can go no further, writes actual_pages, copies
//      target_seq to done_seq and notifies;
//   4. kStop in `command` ends the driver (the domU then shuts down).
// Domain 0 trusts nothing it reads here: the hypervisor's accounting
// (getdomaininfo) is what it checks.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::balloon {

constexpr u32 kMagic = 0x4c424847; // "GHBL"
constexpr u32 kMailboxOffset = 2048;
constexpr u32 kStop = 1;

struct Mailbox {
    u32 magic;        // domU: kMagic once `port` is valid
    u32 port;         // domU: its port, unbound for domain 0
    u64 target_pages; // domain 0: wanted reservation
    u32 target_seq;   // domain 0: bumped after each new target
    u32 done_seq;     // domU: the target_seq it last finished
    u64 actual_pages; // domU: its reservation after that
    u32 command;      // domain 0: kStop ends the driver
    u32 pad;
};
static_assert(sizeof(Mailbox) == 40);

} // namespace guest::balloon
