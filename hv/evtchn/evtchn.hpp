// Hypervisor side of event channels: a domain's port table plus delivery
// into its shared_info, waking the vCPUs concerned.
#pragma once

#include "hv/lib/types.hpp"

struct Domain;
struct Vcpu;

// Creates the domain's port table (after nr_vcpus is known).
void evtchn_init_domain(Domain* d);
// Raises `port` of d: pending bit, selector, upcall; wakes pollers and the
// notified vCPU as needed.
void evtchn_raise(Domain* d, u32 port);
bool evtchn_port_in_use(const Domain* d, u32 port);
// Fires a VIRQ of d on vCPU vcpu (global VIRQs: vcpu 0).
void evtchn_send_virq(Domain* d, u32 virq, u32 vcpu);
