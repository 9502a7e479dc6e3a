// Destroying a domain: stop its vCPUs everywhere, then give back everything
// it holds (event channels, pins, base pointers, GDT frames, memory) so that
// nothing leaks, and tell domain 0 (VIRQ_DOM_EXC).
#pragma once

#include "hv/lib/result.hpp"

struct Domain;

[[nodiscard]] Status domain_destroy(Domain* d);
