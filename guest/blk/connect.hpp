// How a block frontend finds its backend without xenstore.
//
// The domain builder gives every domU a "xenstore" page (start_info.
// store_mfn) and an unbound event channel for domain 0 (store_evtchn); the
// toolstack learns both from DOMCTL_glass_build_pv. We use them as a
// one-record mailbox instead of a xenstore ring:
//   1. domain 0 binds the store channel before unpausing the domU;
//   2. the frontend grants its ring page and its data pages to domain 0,
//      allocates an unbound channel for it, writes an Announce record at
//      the start of the store page, grants that page to domain 0 under
//      Xen's reserved GNTTAB_RESERVED_XENSTORE ref, and notifies;
//   3. the backend maps the store page through that grant, reads the
//      record, maps the ring, binds the channel, writes the disk size and
//      kConnected (or kRefused) and notifies back.
// Everything the frontend wrote is checked by the backend before use.
#pragma once

#include "hv/lib/types.hpp"

namespace guest::blk {

constexpr u32 kAnnounceMagic = 0x4b424847; // "GHBK"
constexpr u32 kGrefStore = 1;              // GNTTAB_RESERVED_XENSTORE
constexpr u32 kGrefRing = 8;               // first unreserved ref
constexpr u32 kGrefData = 9;               // data pages: 9, 10, ...

enum AnnounceState : u32 {
    kEmpty = 0,
    kInitialised = 1, // frontend: ring_ref and event_port are valid
    kConnected = 2,   // backend: serving; disk_sectors is valid
    kRefused = 3,     // backend: could not connect
};

struct Announce {
    u32 magic;
    u32 state; // AnnounceState
    u32 ring_ref;
    u32 event_port;   // frontend's port, unbound for domain 0
    u64 disk_sectors; // written by the backend
};

} // namespace guest::blk
