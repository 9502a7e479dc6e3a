#include "gui/model/trace_workspace.hpp"

#include "gui/session/session.hpp"

#include <algorithm>

namespace glass::gui {

TraceWorkspace::~TraceWorkspace() {
    load_job_.cancel();
    filter_job_.cancel();
    stats_job_.cancel();
}

TraceWorkspace& trace_workspace() {
    static TraceWorkspace w;
    return w;
}

void TraceWorkspace::follow(const Session& s) {
    const std::string& p = s.mode() == SessionMode::Trace ? s.trace_path() : std::string();
    if (p != path_) {
        if (p.empty()) {
            close();
        } else {
            open(p);
        }
    }
    if (!path_.empty() && !replay_) replay_ = current_replay_cursor(path_);
}

void TraceWorkspace::close() {
    load_job_.cancel();
    filter_job_.cancel();
    stats_job_.cancel();
    path_.clear();
    status_ = Status::None;
    error_.clear();
    warning_.clear();
    model_.reset();
    store_.reset();
    filtered_ = std::make_shared<tv::FilteredTrace>();
    stats_.reset();
    replay_.reset();
    scrub.reset(nullptr);
    selected.reset();
    window_set = false;
}

void TraceWorkspace::open(const std::string& path) {
    close();
    path_ = path;
    status_ = Status::Loading;
    progress_done_ = progress_total_ = 0;
    load_job_.start([this, path](const std::atomic<bool>&) {
        return tv::load_trace_model(path, [this](const tv::LoadProgress& p) {
            progress_done_ = p.records_done;
            progress_total_ = p.records_total;
        });
    });
}

void TraceWorkspace::set_filter(const tv::TraceFilter& f) {
    if (f == filter_) return;
    filter_ = f;
    filter_dirty_ = true;
}

void TraceWorkspace::start_filter() {
    filter_dirty_ = false;
    if (!model_) return;
    auto model = model_;
    tv::TraceFilter f = filter_;
    filter_job_.start([model, f](const std::atomic<bool>& cancel) {
        return std::make_shared<const tv::FilteredTrace>(tv::apply_filter(*model, f, &cancel));
    });
}

void TraceWorkspace::request_stats(std::optional<tv::TimeRange> range) {
    const bool same = stats_wanted_ && range.has_value() == stats_range_.has_value() &&
                      (!range || (range->start_ns == stats_range_->start_ns &&
                                  range->end_ns == stats_range_->end_ns));
    if (same) return;
    stats_wanted_ = true;
    stats_range_ = range;
    stats_dirty_ = true;
}

void TraceWorkspace::start_stats() {
    stats_dirty_ = false;
    if (!model_) return;
    auto model = model_;
    auto filtered = filtered_;
    auto range = stats_range_;
    stats_job_.start([model, filtered, range](const std::atomic<bool>& cancel) {
        return tv::compute_stats(*model, *filtered, range, &cancel);
    });
}

void TraceWorkspace::select(u32 record) {
    if (!model_ || record >= model_->record_count()) return;
    selected = record;
    selection_generation++;
}

void TraceWorkspace::seek_to(u32 record) {
    select(record);
    scrub.seek_record(record);
}

void TraceWorkspace::reveal(u32 record) {
    if (!model_ || record >= model_->record_count()) return;
    const double t = double(model_->row(record).time_ns());
    const double whole = double(model_->end_ns() - model_->begin_ns());
    if (!window_set || window.span() >= whole * 0.5) {
        window.start_ns = t - 50'000;
        window.end_ns = t + 50'000;
        window_set = true;
    } else if (t < window.start_ns || t > window.end_ns) {
        window.centre_on(t);
    }
}

void TraceWorkspace::absorb_load(tv::LoadedTrace loaded) {
    if (!loaded.model) {
        status_ = Status::Failed;
        error_ = loaded.error;
        return;
    }
    model_ = loaded.model;
    warning_ = loaded.warning;
    std::string err;
    store_ = tv::RecordStore::open(path_, err);
    if (!store_ && warning_.empty()) warning_ = err;
    filtered_ = std::make_shared<tv::FilteredTrace>(*model_);
    filter_gen_++;
    scrub.reset(model_.get());
    if (!window_set) {
        const u64 b = model_->begin_ns();
        window = {double(b), double(std::max<u64>(model_->end_ns(), b + 1000))};
        window_set = true;
    }
    status_ = Status::Ready;
    if (!filter_.empty()) filter_dirty_ = true;
    if (stats_wanted_) stats_dirty_ = true;
}

void TraceWorkspace::absorb_filter(std::shared_ptr<const tv::FilteredTrace> f) {
    filtered_ = std::move(f);
    filter_gen_++;
    if (stats_wanted_) stats_dirty_ = true;
}

void TraceWorkspace::absorb_stats(tv::StatsView s) {
    if (s.complete) stats_ = std::move(s);
}

void TraceWorkspace::start_dirty_jobs() {
    if (filter_dirty_) start_filter();
    // Statistics follow the filter: wait for it.
    if (stats_dirty_ && !filter_job_.running()) start_stats();
}

void TraceWorkspace::poll(double now) {
    if (now == last_poll_) return;
    const double dt = last_poll_ < 0 ? 0 : now - last_poll_;
    last_poll_ = now;

    if (auto loaded = load_job_.take()) absorb_load(std::move(*loaded));
    if (status_ != Status::Ready) return;
    start_dirty_jobs();
    if (auto f = filter_job_.take()) absorb_filter(std::move(*f));
    start_dirty_jobs();
    if (auto st = stats_job_.take()) absorb_stats(std::move(*st));

    scrub.advance(dt);
    if (replay_) replay_->request(scrub.applied());
}

void TraceWorkspace::wait_idle() {
    if (auto loaded = load_job_.wait()) absorb_load(std::move(*loaded));
    while (status_ == Status::Ready) {
        start_dirty_jobs();
        if (auto f = filter_job_.wait()) {
            absorb_filter(std::move(*f));
        } else if (auto st = stats_job_.wait()) {
            absorb_stats(std::move(*st));
        } else if (!filter_dirty_ && !stats_dirty_) {
            break;
        }
    }
    if (replay_) {
        replay_->request(scrub.applied());
        replay_->wait_idle();
    }
}

} // namespace glass::gui
