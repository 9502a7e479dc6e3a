// Starting, stopping and filtering the recorder: from the boot command line
// (trace=on, trace_buf=, trace_dom=, trace_hc=, trace_ckpt=), from the host
// mailbox in the published TraceControl (polled on the timer tick), and
// from the control channel's qGlasshouse.trace packets. All three end in
// trace_apply(), with the hypervisor lock held.
#pragma once

#include "hv/core/trace/control_layout.hpp"
#include "hv/lib/types.hpp"

namespace trace {

// Allocates one ring per online CPU and publishes TraceControl; call once,
// after the APs are up. Reads the trace_* boot options.
void trace_init(const char* cmdline);
// Boot option trace=on: start now (after domain 0 is built, before it runs).
void trace_boot_start();

// Applies a start/stop/filter request; returns 0 or -Xen errno.
i64 trace_apply(const Request& req);

// From the timer tick: acts on a new host mailbox request, if any.
void trace_poll_host();

// Domain 0 is ending the machine: give the host a moment to drain what is
// still in the rings (bounded wait), so the end of a run is in the file.
void trace_drain_before_exit();

TraceControl& trace_control();
// The same page, for the recorder's per-record filter reads.
extern TraceControl g_control;

} // namespace trace
