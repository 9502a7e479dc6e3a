// The field table of the introspection root: names, offsets and sizes of
// the hypervisor structures host tools read (Domain, Vcpu, Regs,
// EvtchnTable, ...), and the values of the enums they contain.
#pragma once

#include "hv/introspect/format.hpp"

// Writes at most `max` descriptors to `out`; returns how many. Panics if
// `max` is too small (a build-time mistake, caught at the first boot).
unsigned introspect_fill_layout(introspect_abi::FieldDesc* out, unsigned max);
