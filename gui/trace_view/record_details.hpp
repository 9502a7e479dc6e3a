// What the Record details panel shows for one record: its header, and when
// it belongs to a hypercall, that call -- name, named arguments, result with
// its errno name, latency, the guest memory the hypervisor read (mmu_update
// requests decoded) -- and the state changes recorded while it ran (page
// type transitions, event sends, upcalls, bounces on the same vCPU).
#pragma once

#include <string>
#include <vector>

#include "gui/trace_view/record_store.hpp"
#include "gui/trace_view/trace_model.hpp"

namespace glass::tv {

struct DetailField {
    std::string name, value;
};

struct CallDetails {
    std::string name;
    u32 nr = 0;
    u32 entry = kNoRecord, exit = kNoRecord; // record indices
    bool open = false;                       // no exit in the trace
    bool in_multicall = false;
    std::vector<DetailField> args;
    std::string result; // "0", "-22 (EINVAL)", "still running"
    bool failed = false;
    u64 duration_ns = 0;
    std::vector<std::string> reads; // one line per read (or decoded request)
    u32 requests = 0;               // requests decoded so far (they are numbered)
    struct Effect {
        u32 record = 0;
        std::string type, text;
    };
    std::vector<Effect> effects;
};

struct RecordDetails {
    u32 record = kNoRecord;
    std::string title;               // "mmu_update (hypercall-entry) #1234"
    std::vector<DetailField> header; // time, CPU, domain, vCPU, type, size
    std::string summary;             // the record's payload in one line
    bool in_call = false;
    CallDetails call;
    std::string error; // the record could not be read
};

// Reads what it needs through `store`; scans at most `max_scan` records of
// the call for its reads and effects.
RecordDetails describe_record(const TraceModel& m, RecordStore& store, u32 record,
                              u32 max_scan = 100000);

// The innermost span containing `record` on its track: track index and
// (level, index in level), or false when the record is in no call.
struct SpanRef {
    u32 track = 0, level = 0, index = 0;
};
bool find_call_span(const TraceModel& m, u32 record, SpanRef& out);

// Names of a hypercall's arguments (empty for unknown hypercalls).
std::vector<const char*> hypercall_arg_names(u32 nr);

// "1.234 ms", "850 ns", "2.500 s"
std::string format_duration(u64 ns);
// Trace time as seconds with nanoseconds: "1.234567890"
std::string format_time(u64 ns);
// "-22 (EINVAL)", "0", "17"
std::string format_result(std::int64_t result);

} // namespace glass::tv
