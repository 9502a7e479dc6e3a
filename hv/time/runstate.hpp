// Runstate glue (VCPUOP_get_runstate_info, register_runstate_memory_area):
// keeps each vCPU's accounting in step with its scheduling state and
// copies it to the guest's registered area.
#pragma once

#include "hv/abi/vcpu.hpp"
#include "hv/lib/types.hpp"

struct Vcpu;

// Brings v's runstate in line with its VcpuState (and its domain's state),
// charging the time since the last change to the state it leaves. Safe to
// call at any time; a state written directly elsewhere is picked up here.
void runstate_sync(Vcpu* v, u64 now);
// v's runstate as of now.
xen::RunstateInfo runstate_read(Vcpu* v);
// Copies v's runstate to its registered guest area. Only while v's page
// tables are the loaded ones (v is current on this CPU); a write that
// faults is dropped, as Xen does.
void runstate_publish(Vcpu* v);
