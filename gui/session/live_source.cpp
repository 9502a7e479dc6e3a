#include "gui/session/live_source.hpp"

#include "gui/model/typing_map.hpp"

namespace glass::gui {

using Clock = std::chrono::steady_clock;

LiveSource::LiveSource(Target target, std::string what, unsigned period_ms)
    : target_(std::move(target)), what_(std::move(what)), period_ms_(period_ms),
      latest_(std::make_shared<StateFrame>()) {
    if (period_ms_) thread_ = std::thread([this] { run(); });
}

LiveSource::~LiveSource() {
    {
        std::lock_guard<std::mutex> g(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const StateFrame> LiveSource::latest() const {
    std::lock_guard<std::mutex> g(mu_);
    return latest_;
}

// A buffer nobody draws from any more, so a refresh reuses its frame vector
// (tens of MB for big machines) instead of allocating and faulting it in.
std::shared_ptr<StateFrame> LiveSource::spare() {
    std::lock_guard<std::mutex> g(mu_);
    for (auto& f : pool_)
        if (f.use_count() == 1 && f != latest_) return f;
    pool_.push_back(std::make_shared<StateFrame>());
    return pool_.back();
}

void LiveSource::refresh() {
    std::shared_ptr<StateFrame> f = spare();
    Clock::time_point start = Clock::now();
    auto domains = read_domains(target_);
    if (domains.ok()) {
        f->domains = std::move(*domains);
        f->domains_error.clear();
    } else {
        f->domains = {};
        f->domains_error = domains.error();
    }
    read_frames(target_, f->frames);
    f->taken = Clock::now();
    f->read_ms = std::chrono::duration<double, std::milli>(f->taken - start).count();
    // Diff and count here, on the poller's thread: over millions of frames
    // that is tens of ms the frame loop should not spend.
    std::shared_ptr<const StateFrame> prev = latest();
    f->counts = count_frames(f->frames);
    f->has_counts = true;
    f->has_changes = false;
    f->changed.clear();
    if (prev && prev->seq) {
        FrameDiff d = diff_frame_tables(prev->frames.frames, f->frames.frames);
        if (!d.resized) {
            f->changed = std::move(d.changed);
            f->changed_since = prev->seq;
            f->has_changes = true;
        }
    }
    last_work_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard<std::mutex> g(mu_);
    f->seq = ++seq_;
    latest_ = f;
}

void LiveSource::poke() {
    {
        std::lock_guard<std::mutex> g(mu_);
        poked_ = true;
    }
    cv_.notify_all();
}

void LiveSource::run() {
    for (;;) {
        refresh();
        // A big machine's table takes a while to copy: keep the poller
        // under a quarter of a CPU by waiting at least 3x what it took.
        auto wait = std::max<double>(period_ms_, 3 * last_work_ms_);
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait_for(lock, std::chrono::duration<double, std::milli>(wait),
                     [&] { return stop_ || poked_; });
        if (stop_) return;
        poked_ = false;
    }
}

} // namespace glass::gui
