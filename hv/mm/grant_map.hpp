// Grant mappings in a PV address space (docs/pv-abi.md §3.4.13, Xen's
// arch/x86/pv/grant_table.c): the per-domain grant state, and map / unmap
// of grants as host PTEs (by VA or by L1-entry machine address) and device
// addresses, with the reference rules of the typing core's grant_refs.cpp.
#pragma once

#include "hv/abi/grant_table.hpp"
#include "hv/core/grant/grant_table.hpp"
#include "hv/core/grant/maptrack.hpp"

struct Domain;
struct Vcpu;

// A domain's grant table (as granter) and maptrack (as mapper).
struct DomainGrants {
    explicit DomainGrants(u16 domid);
    grant::GrantTable table;
    grant::Maptrack maptrack;
};

// Keyed by domain id, not held by the Domain: a destroyed domain's table
// lives on (dying) while others still map its grants. Published to host
// tools through the introspection root (hv/introspect/layout_table.cpp).
struct GrantSlot {
    DomainGrants* grants;
    u64 first_mfn, pages; // where the DomainGrants object lives
    bool dying;
};
// The slots, indexed by domain id; `count` is how many.
const GrantSlot* grant_registry(unsigned& count);

// The grant state of d, created on first use; null if out of memory, or
// while the table of a destroyed domain with the same id still has grants
// pinned by others.
DomainGrants* domain_grants(Domain* d);

// Domain teardown, after d's page tables were released (their grant PTEs
// drop the host parts' references as ordinary L1 entries do, as on Xen for
// PV): drops the device parts and pins of every mapping d holds, then frees
// d's own table, at once if no other domain has one of its grants pinned,
// else when the last such mapping is unmapped.
void grant_domain_release(Domain* d);

// GNTTABOP_map_grant_ref for one entry: fills op.handle and op.dev_bus_addr
// on success. The caller flushes the domain's TLBs after the batch.
xen::Gntst grant_map(Vcpu* v, xen::GnttabMapGrantRef& op);

// GNTTABOP_unmap_grant_ref (new_addr = 0, replace = false) and
// GNTTABOP_unmap_and_replace (dev_bus_addr = 0, replace = true).
struct GrantUnmap {
    u64 host_addr;
    u64 dev_bus_addr;
    u64 new_addr;
    u32 handle;
    bool replace;
};
xen::Gntst grant_unmap(Vcpu* v, const GrantUnmap& op);
