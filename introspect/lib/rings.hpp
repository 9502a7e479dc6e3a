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
    // read, write, barrier, flush, or "answered (response not yet
    // published)" when the slot holds no valid request (a backend's
    // response written before it pushed rsp_prod).
    std::string op;
    u64 id = 0;
    u64 sector = 0;
    u32 nr_segments = 0;
};

// One circular buffer of a ring, so a viewer can draw it as a circle: its
// size, and which entries of RingSnapshot::indices are the end that
// consumes and the end that produces. A console or store page holds two
// byte buffers (in/out, req/rsp); a block ring one of request slots, whose
// consuming end is rsp_prod (the backend's private req_cons is not shared).
struct RingSpan {
    std::string name;             // in, out, req, rsp, requests
    u32 size = 0;                 // entries: bytes or request slots (a power of two)
    unsigned cons = 0, prod = 0;  // positions in `indices`
    std::vector<unsigned> others; // blkif: req_event, rsp_event (thresholds, not ends)
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
    std::vector<RingSpan> spans;               // empty when no indices were read
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
