// Replay position over a trace: how many records have been applied (0 is
// the initial snapshot, record_count() the end), the trace time that means,
// and the play / pause / step / seek gestures. Playing advances trace time
// at `speed` times wall time; the position follows the records whose time
// has come. generation() changes whenever the position does, so panels that
// show "the state here" know when to ask again.
#pragma once

#include <cstdint>

#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/trace_model.hpp"

namespace glass::tv {

class ScrubState {
  public:
    static constexpr double kMinSpeed = 1e-6, kMaxSpeed = 1e3;

    ScrubState() = default;
    explicit ScrubState(const TraceModel* m) { reset(m); }
    void reset(const TraceModel* m);

    // Records applied so far, 0..record_count().
    u64 applied() const { return applied_; }
    u64 record_count() const { return m_ ? m_->record_count() : 0; }
    // The record applied last, kNoRecord at the start.
    u32 current_record() const { return applied_ ? u32(applied_ - 1) : kNoRecord; }
    // Trace time of the position (relative ns).
    u64 time_ns() const { return u64(time_ns_); }
    bool at_end() const { return applied_ >= record_count(); }

    bool playing() const { return playing_; }
    double speed() const { return speed_; }
    void set_speed(double s);
    void play();
    void pause() { playing_ = false; }
    void toggle() { playing_ ? pause() : play(); }

    // Seeks so that records 0..record are applied (record is current).
    void seek_record(u32 record);
    // Seeks to "nothing applied yet".
    void seek_start();
    void seek_end();
    // Seeks to moment t: every record at or before it applied.
    void seek_time(u64 t);
    // 0 = start of the trace, 1 = its end.
    void seek_fraction(double f);
    // Moves by n records (negative: back); pauses.
    void step(std::int64_t n);
    // Moves to the next (dir > 0) or previous passing record of `f`; pauses.
    // False when there is none.
    bool step_matching(const FilteredTrace& f, int dir);

    // Advances while playing by `wall_seconds`; true when the position
    // moved. Stops playing at the end.
    bool advance(double wall_seconds);

    std::uint64_t generation() const { return generation_; }

  private:
    void set_applied(u64 n, double time);

    const TraceModel* m_ = nullptr;
    u64 applied_ = 0;
    double time_ns_ = 0;
    bool playing_ = false;
    double speed_ = 1e-3;
    std::uint64_t generation_ = 0;
};

} // namespace glass::tv
