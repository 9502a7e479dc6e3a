// What the trace panels (Timeline, Trace table, Trace statistics, Record
// details, Replay) share, like Tracy's Worker + ViewData: the loaded trace,
// its record store, the filter and the filtered trace, statistics, the
// replay position and the selected record. Loading, filtering and
// statistics run as background jobs; poll() (once per frame) takes their
// results, so no frame waits for them. The replay position steers the
// replay cursor, which is what every other panel's wb.state() shows.
// No ImGui here: tested without a window.
#pragma once

#include "gui/model/background_job.hpp"
#include "gui/model/replay_cursor.hpp"
#include "gui/trace_view/filter.hpp"
#include "gui/trace_view/record_store.hpp"
#include "gui/trace_view/scrub.hpp"
#include "gui/trace_view/stats_view.hpp"
#include "gui/trace_view/time_window.hpp"
#include "gui/trace_view/trace_model.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>

namespace glass::gui {

class Session;

class TraceWorkspace {
  public:
    enum class Status { None, Loading, Ready, Failed };

    TraceWorkspace() = default;
    ~TraceWorkspace();
    TraceWorkspace(const TraceWorkspace&) = delete;
    TraceWorkspace& operator=(const TraceWorkspace&) = delete;

    // Follows the session: opens its trace when the path changes, closes
    // when it has none. Also picks up the replay cursor of the session's
    // state source.
    void follow(const Session& s);
    void open(const std::string& path);
    void close();

    // Once per frame (any panel may call it; repeated calls at the same
    // `now` do nothing): takes finished jobs, advances playing, steers the
    // replay cursor.
    void poll(double now_seconds);
    // Blocks until loading, filtering and statistics are done (tests,
    // benchmarks), then polls.
    void wait_idle();

    Status status() const { return status_; }
    const std::string& path() const { return path_; }
    const std::string& error() const { return error_; }
    const std::string& warning() const { return warning_; }
    tv::LoadProgress progress() const { return {progress_done_.load(), progress_total_.load()}; }
    const tv::TraceModel* model() const { return model_.get(); }
    tv::RecordStore* store() const { return store_.get(); }

    // --- Filter ---
    const tv::TraceFilter& filter() const { return filter_; }
    void set_filter(const tv::TraceFilter& f);
    // The newest applied filter's result (the whole trace until then).
    const tv::FilteredTrace& filtered() const { return *filtered_; }
    bool filtering() const { return filter_job_.running(); }
    // Bumps whenever filtered() changes.
    u64 filter_generation() const { return filter_gen_; }

    // --- Statistics ---
    // Over the whole trace or a range; recomputed when the filter changes.
    void request_stats(std::optional<tv::TimeRange> range);
    const tv::StatsView* stats() const { return stats_ ? &*stats_ : nullptr; }
    bool stats_busy() const { return stats_job_.running(); }

    // --- Replay position and selection ---
    tv::ScrubState scrub;
    std::optional<u32> selected; // record shown in Record details
    u64 selection_generation = 0;
    void select(u32 record);
    // Selects and moves the replay there.
    void seek_to(u32 record);
    const std::shared_ptr<ReplayCursor>& replay() const { return replay_; }
    void attach_replay(std::shared_ptr<ReplayCursor> c) { replay_ = std::move(c); }

    // The timeline's view, shared so the table or details can "show" a record.
    tv::TimeWindow window;
    bool window_set = false;
    // Centres the timeline on a record (keeping the zoom, or zooming in
    // around it when the whole trace is in view).
    void reveal(u32 record);

  private:
    void start_filter();
    void start_stats();
    void start_dirty_jobs();
    void absorb_load(tv::LoadedTrace loaded);
    void absorb_filter(std::shared_ptr<const tv::FilteredTrace> f);
    void absorb_stats(tv::StatsView s);

    std::string path_;
    Status status_ = Status::None;
    std::string error_, warning_;
    std::atomic<u64> progress_done_{0}, progress_total_{0};
    BackgroundJob<tv::LoadedTrace> load_job_;
    std::shared_ptr<const tv::TraceModel> model_;
    std::unique_ptr<tv::RecordStore> store_;

    tv::TraceFilter filter_;
    bool filter_dirty_ = false;
    BackgroundJob<std::shared_ptr<const tv::FilteredTrace>> filter_job_;
    std::shared_ptr<const tv::FilteredTrace> filtered_ = std::make_shared<tv::FilteredTrace>();
    u64 filter_gen_ = 0;

    std::optional<tv::TimeRange> stats_range_;
    bool stats_wanted_ = false, stats_dirty_ = false;
    BackgroundJob<tv::StatsView> stats_job_;
    std::optional<tv::StatsView> stats_;

    std::shared_ptr<ReplayCursor> replay_;
    double last_poll_ = -1;
};

// The one workspace of this window.
TraceWorkspace& trace_workspace();

} // namespace glass::gui
