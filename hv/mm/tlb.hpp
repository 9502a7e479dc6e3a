// TLB maintenance for a domain's address spaces. A domain's vCPUs may have
// run on several CPUs; until SMP lands only this CPU can hold its entries.
#pragma once

#include "hv/lib/types.hpp"

struct Domain;

void flush_domain_tlbs(Domain* d);
void flush_domain_va(Domain* d, u64 va);
