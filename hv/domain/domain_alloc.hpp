// Storage for Domain objects (hypervisor frames, zeroed, constructed in place).
#pragma once

#include "hv/domain/domain.hpp"

Domain* domain_alloc(u16 id);
Domain* domain_lookup(u16 id);
