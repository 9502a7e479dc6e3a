// The set_gdt rules (docs/pv-abi.md §3.4.3) shared by set_gdt and
// VCPUOP_initialise: every frame must take a segment-descriptor type
// reference (read-only to the guest, valid descriptors only).
#pragma once

#include "hv/domain/vcpu.hpp"
#include "hv/lib/result.hpp"

// Installs `entries` GDT entries held in frames[0 .. ceil(entries/512))
// as v's GDT, releasing the frames it used before; on failure v keeps its
// old GDT. XEN_EINVAL for too many entries or a frame that fails typing.
[[nodiscard]] Status install_gdt(Vcpu* v, const u64* frames, u64 entries);
