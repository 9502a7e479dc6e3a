// What guests read to tell the time (docs/pv-abi.md §1.9): each vCPU's
// vcpu_time_info (system time at a TSC stamp plus the TSC scale) and the
// domain's wall clock in shared_info (wall time at system time 0).
#pragma once

#include "hv/lib/types.hpp"

struct Domain;
struct Vcpu;

// Refreshes v's vcpu_time_info under the version protocol: version goes
// odd, the record is rewritten, version goes even again, so a guest that
// sees the same even version before and after reading has a consistent copy.
void time_update_vcpu(Vcpu* v);
// Writes d's wall clock (wc_sec, wc_nsec, wc_sec_hi) under wc_version.
void time_update_wallclock(Domain* d);
// Wall-clock seconds at system time 0, from the RTC read on first use.
u64 wallclock_boot_seconds();
// The control domain's clock setting (XENPF_settime*): wall time (sec,
// nsec) was current at system time `system_time`. Moves the wall clock of
// boot and rewrites every domain's shared_info copy, as Xen's do_settime.
void time_set_wallclock(u64 sec, u32 nsec, u64 system_time);
