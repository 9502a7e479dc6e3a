// Storage for Domain objects (hypervisor frames, zeroed, constructed in place).
#pragma once

#include "hv/domain/domain.hpp"

Domain* domain_alloc(u16 id);
Domain* domain_lookup(u16 id);
// Removes d from the registry and frees its storage. The caller has
// released everything the domain held.
void domain_release_struct(Domain* d);
// The registry itself (count slots, indexed by domain id), for the
// introspection root.
Domain* const* domain_registry(unsigned& count);
