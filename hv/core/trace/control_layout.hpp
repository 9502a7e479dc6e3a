// TraceControl: the page the hypervisor publishes so the host can find,
// drain and steer the trace rings (traces/FORMAT.md, "Live trace rings").
// Found through the introspection layout table ("phys.TraceControl": its
// machine address in `offset`, its size in `size`). Plain integers only;
// sizes pinned below because host tools read it from the shared RAM file.
//
// Ownership of every word is one-sided: the hypervisor writes everything
// except the mailbox request (`req_*`, then `request_seq` last) and each
// ring's `consumed`, which only the host writes.
#pragma once

#include "hv/core/trace/ring_layout.hpp"

namespace trace {

constexpr u64 kControlMagic = 0x314c544352544c47ull; // "GLTRCTL1", little-endian
constexpr u32 kControlVersion = 1;
constexpr unsigned kMaxRings = 64;

enum class State : u32 {
    Off = 0,
    Snapshot = 1,  // writing the initial-state snapshot (rings' epoch_start are set)
    Recording = 2, // snapshot done; events are being recorded
};

enum class Command : u32 {
    Start = 1,  // snapshot, then record with the request's filters
    Stop = 2,   // stop recording (a pending loss notice is flushed)
    Filter = 3, // change filters without restarting
};

// Filters and settings of a request, also what is in effect.
struct Filters {
    u64 domain_mask;         // bit d: record domain d (d < 63); bit 63: domains >= 63
    u64 hypercall_mask;      // bit n: record hypercall number n (and its reads)
    u32 type_mask;           // bit t: record RecordType t (1..12); hypercalls need bits 1-3
    u32 checkpoint_interval; // records between Checkpoint records; 0 = none
};
static_assert(sizeof(Filters) == 24);

constexpr Filters kAllFilters{~0ull, ~0ull, ~0u, 65536};

struct Request {
    Command cmd;
    u32 reserved;
    Filters filters;
};
static_assert(sizeof(Request) == 32);

struct TraceControl {
    u64 magic; // kControlMagic once the rings exist
    u32 version;
    u32 nr_rings;
    u32 state;         // State
    u32 epoch;         // incremented by every Start
    u64 start_time_ns; // system time of the current recording's snapshot
    u64 snapshot_records;
    Filters active;
    i64 last_error; // 0, or -Xen errno of the last failed request
    // Host mailbox: the host fills `request`, then stores request_seq (one
    // more than ack_seq); the hypervisor acts on it at its next tick and
    // stores the result, then ack_seq = request_seq.
    Request request;
    u64 request_seq;
    u64 ack_seq;
    i64 ack_result;
    u64 reserved[4];
    RingControl rings[kMaxRings];
};
static_assert(__builtin_offsetof(TraceControl, active) == 40);
static_assert(__builtin_offsetof(TraceControl, request) == 72);
static_assert(__builtin_offsetof(TraceControl, request_seq) == 104);
static_assert(__builtin_offsetof(TraceControl, rings) == 160);
static_assert(sizeof(TraceControl) == 160 + 64 * kMaxRings);

} // namespace trace
