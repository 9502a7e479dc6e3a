// The text form of a Spec that the control port carries
// (qGlasshouse.inject, gdbstub/PROTOCOL.md) and the host tools build:
//
//   KIND;key=value;key=value...      numbers in hex, without 0x
//
//   dom=D  vcpu=V                           target (vcpu: exceptions, crash)
//   on=NR[.SUB]  after=N                    trigger: the Nth such hypercall
//   on=pf                                   trigger: the next page fault
//   rip=ADDR                                trigger: a vCPU reaches ADDR
//   cr2=A error=E                           pf (error also for gp)
//   port=P  delay=NS                        evtchn-*, ring-* (the frontend's port)
//   hc=NR[.SUB]  errno=E                    hypercall-fail
//   ring=GREF slot=S slots=N [header=H]     ring-*: where the ring is
//   offset=O size=Z value=X                 ring-corrupt: the field to overwrite
//   reason=TEXT                             crash (no ';' or '|')
//
// Parsing is strict: unknown keys, repeated keys, bad numbers and keys
// that do not apply to the kind are refused with a reason.
#pragma once

#include "hv/core/inject/spec.hpp"

namespace inject {

// nullptr on success, else why the text is not a spec.
const char* parse_spec(const char* text, usize len, Spec& out);

// Whether `key` (a name above, e.g. "cr2") may appear in a spec of kind
// `k`: what parse_spec refuses with "key does not apply to this kind". The
// workbench's form shows a kind's fields from this, not a table of its own.
bool key_applies(Kind k, const char* key, usize len);

// Writes the text form (NUL-terminated, cut at cap). Returns the length it
// needed, without the NUL, so callers can detect a cut.
usize format_spec(const Spec& s, char* out, usize cap);

// One entry of the injection list: "ID,STATE,EFFECT,DETAIL:SPEC", numbers
// in hex; STATE is armed, active, holding, done or cancelled.
struct Injection;
usize format_entry(const Injection& i, char* out, usize cap);
const char* state_name(u8 state);

} // namespace inject
