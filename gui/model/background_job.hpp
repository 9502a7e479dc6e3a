// One result computed off the UI thread (loading a trace, applying a
// filter, statistics): start() supersedes the job before it (which sees its
// cancel flag and stops early), take() hands the result over once, on the
// UI thread, when it is ready. The frame loop never waits for it.
#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <utility>

namespace glass::gui {

template <class T>
class BackgroundJob {
  public:
    BackgroundJob() = default;
    BackgroundJob(const BackgroundJob&) = delete;
    BackgroundJob& operator=(const BackgroundJob&) = delete;
    ~BackgroundJob() { cancel(); }

    // `work(const std::atomic<bool>& cancelled)` runs on its own thread.
    template <class F>
    void start(F work) {
        cancel();
        cancel_ = std::make_shared<std::atomic<bool>>(false);
        future_ = std::async(std::launch::async,
                             [work = std::move(work), flag = cancel_]() { return work(*flag); });
    }
    // Asks the running job to stop and waits for it.
    void cancel() {
        if (cancel_) cancel_->store(true);
        if (future_.valid()) future_.wait();
        future_ = {};
    }
    bool running() const { return future_.valid(); }
    // The result, once, when the job has finished.
    std::optional<T> take() {
        if (!future_.valid() ||
            future_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            return std::nullopt;
        std::optional<T> out(future_.get());
        future_ = {};
        return out;
    }
    // Blocks until the job has finished (tests, benchmarks).
    std::optional<T> wait() {
        if (!future_.valid()) return std::nullopt;
        std::optional<T> out(future_.get());
        future_ = {};
        return out;
    }

  private:
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::future<T> future_;
};

} // namespace glass::gui
