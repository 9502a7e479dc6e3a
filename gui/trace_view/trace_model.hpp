// The in-memory index of a trace file that the workbench's trace panels draw
// from: one compact row per event record (file order), and per vCPU track the
// hypercalls as spans (entry to exit, nested calls on deeper levels) and the
// other records as instants. Everything is packed plain arrays -- no object
// per record -- so tens of millions of records fit in a few hundred MB: 16
// bytes per record plus 24 per hypercall. Full records (arguments, guest
// memory read) stay in the file; RecordStore fetches them on demand.
//
// Times are nanoseconds relative to base_ns() (the header's time_base_ns,
// when recording started), kept in 48 bits: 78 hours of trace.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gui/trace_view/search_index.hpp"
#include "traces/record.hpp"

namespace glass::tv {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;

// Interned hypercall number: a trace names at most 255 distinct ones.
using CallKind = u8;
constexpr CallKind kNoCall = 0xFF;
constexpr u32 kNoRecord = 0xFFFFFFFFu;

// RecordRow::flags
constexpr u8 kRowInCall = 1 << 0;   // belongs to a hypercall (entry, read, exit, effect)
constexpr u8 kRowCallDone = 1 << 1; // that call has an exit: result() is valid
constexpr u8 kRowFailed = 1 << 2;   // that call returned an error

struct RecordRow {
    u64 time_bits; // time_ns in bits 0-47, call result (int16, clamped) in 48-63
    u16 domain;
    u16 vcpu;
    u8 type; // RecordType (0 for types above 255)
    u8 call; // innermost call the record belongs to, kNoCall if none
    u8 cpu;  // physical CPU, clamped to 255
    u8 flags;

    u64 time_ns() const { return time_bits & kTimeMask; }
    std::int16_t result() const { return static_cast<std::int16_t>(time_bits >> 48); }
    static constexpr u64 kTimeMask = (u64(1) << 48) - 1;
};
static_assert(sizeof(RecordRow) == 16);

// Span::flags
constexpr u8 kSpanOpen = 1 << 0;      // no exit before the trace ended
constexpr u8 kSpanFailed = 1 << 1;    // result < 0
constexpr u8 kSpanMulticall = 1 << 2; // issued inside a multicall

struct Span {
    u64 start_ns;
    u32 duration_ns; // saturates at 4.29 s
    u32 entry;       // record index of the HypercallEntry
    u32 exit_delta;  // exit record index minus entry (0 while open)
    std::int16_t result;
    CallKind call;
    u8 flags;

    u64 end_ns() const { return start_ns + duration_ns; }
    u32 exit() const { return flags & kSpanOpen ? kNoRecord : entry + exit_delta; }
};
static_assert(sizeof(Span) == 24);

struct Instant {
    u64 time_ns;
    u32 record;
    u8 type; // RecordType
    u8 pad[3];
};
static_assert(sizeof(Instant) == 16);

// Spans of one nesting level, sorted by start and never overlapping (the
// builder moves a span that would overlap to a deeper level), with the
// search structures level-of-detail needs.
struct SpanLevel {
    std::vector<Span> spans;
    LevelIndex index;
};

struct Track {
    u16 domain = 0;
    u16 vcpu = 0;
    std::vector<SpanLevel> levels; // [0] outermost calls
    std::vector<Instant> instants; // sorted by time
    SampledKeys instant_times;
    bool hypervisor() const { return domain == trace::kDomainHypervisor; }
    std::string name() const;
};

struct LoadProgress {
    u64 records_done = 0;
    u64 records_total = 0;
};

class TraceModel {
  public:
    // Builds the model record by record (file order). `header_base_ns` is
    // the trace's time base: earlier records are clamped to it.
    class Builder;

    u64 base_ns() const { return base_ns_; }
    u64 begin_ns() const { return begin_ns_; } // earliest record time, relative
    u64 end_ns() const { return end_ns_; }     // latest record time (or call end), relative
    u64 record_count() const { return rows_.size(); }
    const std::vector<RecordRow>& rows() const { return rows_; }
    const RecordRow& row(u32 i) const { return rows_[i]; }
    const std::vector<Track>& tracks() const { return tracks_; }
    // Index into tracks() of the (domain, vcpu) track, or -1. The
    // hypervisor's records (domain kDomainHypervisor) share one track.
    int track_of(u16 domain, u16 vcpu) const;

    // Hypercall number of an interned kind, and the kinds in use.
    u32 call_nr(CallKind k) const { return call_nrs_[k]; }
    std::size_t call_kinds() const { return call_nrs_.size(); }
    std::string call_name(CallKind k) const;
    // Kind of a hypercall number, kNoCall if the trace has none.
    CallKind kind_of(u32 nr) const;

    // Domains seen, ascending (the hypervisor's id last if present).
    const std::vector<u16>& domains() const { return domains_; }

    // The last record at or before moment t, kNoRecord if none. Time order
    // is not guaranteed by the format (per-CPU buffers are merged), so this
    // searches the running maximum of record times.
    u32 last_record_at_or_before(u64 t) const;
    // Time the scrub position means for record i (running max up to i).
    u64 clock_at(u32 i) const;

    // Counts the loader found worth saying.
    u64 unmatched_exits() const { return unmatched_exits_; }
    u64 open_calls() const { return open_calls_; }
    u64 clamped_times() const { return clamped_times_; }
    u64 span_count() const;

  private:
    friend class Builder;
    u64 base_ns_ = 0;
    u64 begin_ns_ = 0;
    u64 end_ns_ = 0;
    std::vector<RecordRow> rows_;
    std::vector<Track> tracks_;
    std::vector<u32> call_nrs_;
    std::vector<u16> domains_;
    bool time_sorted_ = true;
    std::vector<u64> clock_; // running max of times, only when !time_sorted_
    u64 unmatched_exits_ = 0, open_calls_ = 0, clamped_times_ = 0;
};

class TraceModel::Builder {
  public:
    explicit Builder(u64 base_ns);
    ~Builder();
    // False when the model cannot take the record (more than 2^32-1 records
    // or 255 distinct hypercalls); `error()` says which.
    bool add(const trace::RecordHeader& r);
    // Room for `records` rows up front (the file's index knows the count).
    void reserve(u64 records);
    std::unique_ptr<TraceModel> finish();
    const std::string& error() const { return error_; }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string error_;
};

struct LoadedTrace {
    std::shared_ptr<const TraceModel> model;
    std::string error;   // nothing could be loaded
    std::string warning; // damage: the records before it were loaded
};

// Reads every event record of the trace at `path`. `progress` (may be
// empty) is called now and then from the loading thread.
LoadedTrace load_trace_model(const std::string& path,
                             const std::function<void(const LoadProgress&)>& progress = {});

} // namespace glass::tv
