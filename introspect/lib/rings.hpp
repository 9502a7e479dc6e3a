// The I/O rings of one domain, found the way its drivers find them:
//  * the console ring and the store page the domain builder gave a domU
//    (Domain.console_mfn / store_mfn, Xen's xencons_interface and
//    xenstore_domain_interface layouts);
//  * block rings: a block frontend (guest/blk) announces its ring's grant
//    reference and event channel in an Announce record at the start of its
//    store page (guest/blk/connect.hpp); the ring is the frame that grant
//    names in the domain's grant table, in the Xen shared-ring layout
//    (guest/ring/ring.hpp, public/io/ring.h).
// Indices are the shared, free-running ones both ends see; "outstanding"
// is what the producer has published and the other end not yet answered
// (requests) or consumed (console bytes). Guests write these pages without
// the hypervisor lock: each index is current when read.
#pragma once

#include "introspect/lib/outcome.hpp"
#include "introspect/lib/target.hpp"

#include <string>
#include <vector>

namespace glass {

struct RingRequestSnapshot {
    u32 index = 0; // free-running request index
    u32 slot = 0;
    std::string op; // read, write, barrier, flush, or the number
    u64 id = 0;
    u64 sector = 0;
    u32 nr_segments = 0;
};

struct RingSnapshot {
    std::string kind;     // console, store, blkif
    std::string found_by; // e.g. "Domain.console_mfn", "grant 8 (announced in the store page)"
    u64 mfn = 0;
    u32 event_port = 0; // the domain's port for this ring, 0 = unknown
    // blkif: req_prod, req_event, rsp_prod, rsp_event.
    // console: in_cons, in_prod, out_cons, out_prod; store: req_cons,
    // req_prod, rsp_cons, rsp_prod (the names are in `index_names`).
    std::vector<std::pair<std::string, u32>> indices;
    u32 slots = 0;       // ring size in requests or bytes
    u32 outstanding = 0; // blkif: requests not yet answered; console/store: unread bytes, both ways
    std::string state;   // blkif: the announce state (initialised, connected, refused)
    std::string problem; // indices no correct peer produces (more outstanding than slots)
    std::vector<RingRequestSnapshot> requests; // blkif: the outstanding requests
};

struct RingsSnapshot {
    ReadStamp stamp;
    u16 domid = 0;
    std::vector<RingSnapshot> rings;
};

// Errors: no such domain. A domain with no rings (domain 0) gives an empty
// list.
Outcome<RingsSnapshot> read_rings(const Target& t, u16 domid);

} // namespace glass
