// The per-CPU rings and the record writers the hooks share (recorder.cpp,
// snapshot.cpp, control.cpp). Internal to hv/trace.
#pragma once

#include "hv/core/trace/control_layout.hpp"
#include "hv/core/trace/ring_writer.hpp"
#include "traces/record.hpp"

namespace trace {

RingWriter& this_ring();
RingWriter& ring(unsigned cpu);
unsigned nr_rings();

// Fills a record header: type, padded size, this CPU, time now.
void fill_header(glass::trace::RecordHeader& h, glass::trace::RecordType type, u32 bytes,
                 u16 domain, u16 vcpu);
// Appends to this CPU's ring (dropped and counted if it does not fit).
void emit(const void* rec, u32 rec_bytes, const void* tail = nullptr, u32 tail_bytes = 0);

// Records since the last checkpoint; the recorder emits one at the next
// top-level hypercall exit once this reaches the interval.
void reset_checkpoint_counter();
// A frame's contents as the typing core validates them (kReadMachineFrame),
// when the current vCPU is in a recorded hypercall.
void machine_frame_read(u64 mfn, const u8* contents);
void emit_checkpoint();

} // namespace trace
