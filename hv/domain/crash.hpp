// Ending a domain: orderly shutdown (SCHEDOP_shutdown) or a crash the
// hypervisor imposes when the guest broke the ABI. Only that domain is
// affected; when it is domain 0 the machine ends with a matching exit status.
#pragma once

#include "hv/lib/types.hpp"

struct Domain;
struct Regs;

// Logs why, with the registers of the vCPU that was running, and stops the
// domain. Returns (the caller must not touch the domain's guest state
// afterwards) unless the domain was domain 0.
void domain_crash(Domain* d, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// SCHEDOP_shutdown with a SHUTDOWN_* reason.
void domain_shutdown(Domain* d, unsigned reason);

void dump_guest_registers(const Regs& r);
