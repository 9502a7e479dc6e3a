// What the trace panels show: domains, vCPUs, hypercalls, results and record
// types the user switched off, as a plain value (TraceFilter), and the
// filtered trace it selects (FilteredTrace), computed once per change, off
// the draw pass, so drawing and paging cost the same filtered or not.
#pragma once

#include <atomic>
#include <bitset>
#include <cstdint>
#include <utility>
#include <vector>

#include "gui/trace_view/search_index.hpp"
#include "gui/trace_view/trace_model.hpp"

namespace glass::tv {

enum class ResultFilter : u8 {
    Any,
    Success, // calls that returned >= 0
    Failure, // calls that returned < 0
    Errno,   // calls that returned exactly -errno_value
};

struct TraceFilter {
    std::vector<u16> hidden_domains;
    std::vector<std::pair<u16, u16>> hidden_vcpus; // (domain, vcpu)
    std::bitset<256> hidden_calls;                 // by CallKind
    std::bitset<256> hidden_types;                 // by RecordType (all < 256 in the event stream)
    ResultFilter result = ResultFilter::Any;
    std::int16_t errno_value = 0; // positive, for ResultFilter::Errno

    bool empty() const;
    bool track_visible(u16 domain, u16 vcpu) const;
    // A hypercall passes when its kind is shown and its result matches.
    bool span_matches(const Span& s) const;
    // A record passes when its track is shown, its type is shown, and, when
    // it belongs to a hypercall, that call passes; with a result filter set,
    // records outside any finished call do not pass.
    bool row_matches(const RecordRow& r) const;

    bool operator==(const TraceFilter&) const = default;
};

// A sequence selected from an array: the whole array (identity) or the
// listed positions, ascending.
struct Selection {
    bool identity = true;
    std::vector<u32> idx;
    std::size_t size(std::size_t whole) const { return identity ? whole : idx.size(); }
    u32 at(std::size_t i) const { return identity ? u32(i) : idx[i]; }
};

struct FilteredLevel {
    Selection spans;
    LevelIndex index; // over the selection, when not identity
};

struct FilteredTrack {
    u32 track = 0; // index into TraceModel::tracks()
    std::vector<FilteredLevel> levels;
    Selection instants;
    SampledKeys instant_times; // over the selection, when not identity
};

class FilteredTrace {
  public:
    FilteredTrace() = default;
    // The whole model, unfiltered (cheap: no index arrays).
    explicit FilteredTrace(const TraceModel& m);

    const TraceFilter& filter() const { return filter_; }
    const std::vector<FilteredTrack>& tracks() const { return tracks_; }

    // Table rows: record indices that pass, in file order.
    u64 row_count() const { return rows_.size(model_ ? model_->record_count() : 0); }
    u32 row_record(u64 k) const { return rows_.at(std::size_t(k)); }
    // Position of the first passing row whose record index is >= record.
    u64 row_position(u32 record) const;

  private:
    friend FilteredTrace apply_filter(const TraceModel&, const TraceFilter&,
                                      const std::atomic<bool>*);
    const TraceModel* model_ = nullptr;
    TraceFilter filter_;
    std::vector<FilteredTrack> tracks_;
    Selection rows_;
};

// O(records); stops early (returning a partial result) when *cancel turns
// true, so a newer filter can supersede it.
FilteredTrace apply_filter(const TraceModel& m, const TraceFilter& f,
                           const std::atomic<bool>* cancel = nullptr);

} // namespace glass::tv
