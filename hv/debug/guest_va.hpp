// The debugger's view of guest-virtual memory: addresses translated in
// software through a guest's own (validated) page tables, frames reached
// through the direct map. Nothing here can fault the hypervisor: an
// unmapped page is reported, never touched.
#pragma once

#include "hv/lib/types.hpp"

// The machine frame holding guest-virtual `va` under the L4 `l4_mfn`;
// false when not mapped, in the hypervisor's range or not RAM.
bool guest_va_frame(u64 l4_mfn, u64 va, u64& mfn);
// Copies up to len bytes; returns how many were copied before the first
// unmapped byte.
usize guest_va_read(u64 l4_mfn, u64 va, u8* out, usize len);
// All or nothing. Read-only guest mappings are written too (breakpoints in
// kernel text), but never a frame typed as a page table or descriptor
// table: that would bypass the validation that keeps the hypervisor safe.
bool guest_va_write(u64 l4_mfn, u64 va, const u8* data, usize len);
