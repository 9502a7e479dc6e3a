// A whole-system snapshot taken in one consistent read (domains, the frame
// table and the contents of every live page table), and the checks that
// every consistent snapshot must pass. They are the typing core's own
// invariants (hv/core/mm, tests/unit/test_mm_property.cpp) recounted from
// the published state, so a torn snapshot is caught and a consistent one
// proves the hypervisor's bookkeeping right at that moment:
//  * the per-type counts add up to the frame table; free frames hold no
//    references; a pinned frame is a page table with a type reference;
//    no frame has more type references than references;
//  * every domain owns exactly nr_pages frames; frames are owned by live
//    domains (or free, the hypervisor's, I/O);
//  * the type count of every L1, L2 and L3 table equals its pin plus the
//    entries of live tables that reference it, and an L4's is at least
//    that; every frame has at least as many references as entries map it;
//  * no present writable L1 entry maps a frame whose active type is not
//    "writable" (a frame is never a page table and writable at once).
#pragma once

#include "introspect/lib/domains.hpp"
#include "introspect/lib/frames.hpp"

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

namespace glass {

struct SystemSnapshot {
    ReadStamp stamp;
    DomainsSnapshot domains;
    FrameSnapshot frames;
    // Contents of every frame with an active page-table type.
    std::unordered_map<u64, std::array<u64, 512>> tables;
};

// Reads domains, frames and tables within one consistent read (retried
// `tries` times; see ReadStamp).
Outcome<SystemSnapshot> read_system(const Target& t, unsigned tries = 16);

struct ConsistencyReport {
    u64 tables = 0, entries = 0;         // how much was recounted
    std::vector<std::string> violations; // at most `max_violations`, each a sentence
    u64 nr_violations = 0;
    bool ok() const { return nr_violations == 0; }
};

ConsistencyReport check_system(const SystemSnapshot& s, usize max_violations = 16);

} // namespace glass
