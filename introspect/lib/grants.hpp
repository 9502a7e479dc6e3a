// Grant tables of one domain: the entries it offers (as granter, from its
// shared grant frames), which of them another domain has pinned right now
// (the hypervisor's active entries), and the grants it maps itself (its
// maptrack, one entry per live mapping handle). Entries are read where the
// guest and the hypervisor keep them; both may change them without the
// hypervisor lock (the guest writes its entries), so flags are current at
// the moment each entry is read.
#pragma once

#include "introspect/lib/outcome.hpp"
#include "introspect/lib/target.hpp"

#include <string>
#include <vector>

namespace glass {

struct GrantEntrySnapshot {
    u32 ref = 0;
    u16 flags = 0;         // GTF_* as the granter wrote them
    std::string type;      // permit_access, accept_transfer, transitive
    u16 domid = 0;         // the domain allowed to use it
    u64 frame = 0;         // the machine frame granted (PV guests grant MFNs)
    bool readonly = false; // GTF_readonly
    bool active = false;   // pinned by `active_domid` now
    u16 active_domid = 0;  // who holds the pins
    u8 host_ro = 0, host_rw = 0, dev_ro = 0, dev_rw = 0; // pin counts
    u64 active_mfn = 0;                                  // the frame fixed at the first pin
};

struct GrantMappingSnapshot {
    u32 handle = 0;  // as returned to the mapping domain by map_grant_ref
    u32 flags = 0;   // GNTMAP_* parts still mapped
    u16 granter = 0; // the domain whose grant it is
    u32 ref = 0;
    u64 mfn = 0;
};

struct GrantsSnapshot {
    ReadStamp stamp;
    u16 domid = 0;
    bool has_table = false; // set up (setup_table or first use)
    bool dying = false;     // destroyed domain whose grants others still map
    unsigned version = 0, nr_frames = 0, nr_entries = 0;
    std::vector<GrantEntrySnapshot> entries;    // non-invalid entries, by ref
    std::vector<GrantMappingSnapshot> mappings; // grants this domain maps
    const GrantEntrySnapshot* find(u32 ref) const;
};

// Errors: no such domain; a domain with no grant state at all (it never set
// up a table nor mapped a grant).
Outcome<GrantsSnapshot> read_grants(const Target& t, u16 domid);

} // namespace glass
