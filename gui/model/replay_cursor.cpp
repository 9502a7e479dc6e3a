#include "gui/model/replay_cursor.hpp"

namespace glass::gui {

ReplayCursor::ReplayCursor(std::unique_ptr<ReplayEngine> engine, std::string no_engine_reason)
    : engine_(std::move(engine)), no_engine_(std::move(no_engine_reason)) {
    auto first = std::make_shared<StateFrame>();
    if (!engine_) {
        // A frame that says why it is empty (seq 0 would read "not yet").
        first->seq = 1;
        first->taken = std::chrono::steady_clock::now();
        first->domains.stamp.consistent = first->frames.stamp.consistent = true;
        first->domains_error = no_engine_;
    }
    latest_ = std::move(first);
    if (engine_) thread_ = std::thread([this] { run(); });
}

ReplayCursor::~ReplayCursor() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ReplayCursor::request(u64 n) {
    {
        std::lock_guard lock(mu_);
        // The workspace asks every frame; only a new position means work.
        if (asked_ && requested_ == n) return;
        asked_ = true;
        requested_ = n;
        have_request_ = true;
        if (engine_) busy_ = true;
    }
    cv_.notify_all();
}

u64 ReplayCursor::requested() const {
    std::lock_guard lock(mu_);
    return requested_;
}

std::shared_ptr<const StateFrame> ReplayCursor::latest() const {
    std::lock_guard lock(mu_);
    return latest_;
}

std::string ReplayCursor::error() const {
    std::lock_guard lock(mu_);
    return error_;
}

std::vector<std::string> ReplayCursor::divergences() const {
    if (!engine_) return {};
    std::lock_guard lock(engine_mu_);
    return engine_->divergences();
}

void ReplayCursor::request_diff(u64 before, u64 after) {
    {
        std::lock_guard lock(mu_);
        if (diff_ && diff_->before == before && diff_->after == after) return;
        if (have_diff_request_ && diff_before_ == before && diff_after_ == after) return;
        diff_before_ = before;
        diff_after_ = after;
        have_diff_request_ = true;
    }
    cv_.notify_all();
}

std::optional<StateDiff> ReplayCursor::diff(u64 before, u64 after) const {
    std::lock_guard lock(mu_);
    if (!engine_) {
        StateDiff d;
        d.before = before;
        d.after = after;
        d.error = no_engine_;
        return d;
    }
    if (diff_ && diff_->before == before && diff_->after == after) return diff_;
    return std::nullopt;
}

void ReplayCursor::run() {
    std::unique_lock lock(mu_);
    while (true) {
        cv_.wait(lock, [&] { return stop_ || have_request_ || have_diff_request_; });
        if (stop_) return;
        if (!have_request_ && have_diff_request_) {
            StateDiff d;
            d.before = diff_before_;
            d.after = diff_after_;
            have_diff_request_ = false;
            const u64 back = shown_;
            lock.unlock();
            {
                std::lock_guard elock(engine_mu_);
                std::string err = engine_->seek(d.before);
                const FrameSnapshot f0 = engine_->frames();
                const DomainsSnapshot d0 = engine_->domains();
                if (err.empty()) err = engine_->seek(d.after);
                if (err.empty()) {
                    d.frames = diff_frames(f0, engine_->frames());
                    d.domains = diff_domains(d0, engine_->domains());
                }
                d.error = err;
                // On-demand reads must see the shown position again.
                engine_->seek(back);
            }
            lock.lock();
            diff_ = std::move(d);
            cv_.notify_all();
            continue;
        }
        const u64 n = requested_;
        have_request_ = false;
        lock.unlock();

        auto t0 = std::chrono::steady_clock::now();
        auto frame = std::make_shared<StateFrame>();
        std::string err;
        {
            std::lock_guard elock(engine_mu_);
            err = engine_->seek(n);
            frame->domains = engine_->domains();
            frame->frames = engine_->frames();
        }
        frame->taken = std::chrono::steady_clock::now();
        frame->read_ms = std::chrono::duration<double, std::milli>(frame->taken - t0).count();
        frame->domains.stamp.consistent = true;
        frame->frames.stamp.consistent = true;
        if (!err.empty()) frame->domains_error = err;

        lock.lock();
        frame->seq = ++seq_;
        latest_ = std::move(frame);
        error_ = err;
        shown_ = n;
        if (!have_request_) busy_ = false;
        cv_.notify_all();
    }
}

StateDiff ReplayCursor::wait_diff(u64 before, u64 after) const {
    if (auto d = diff(before, after)) return *d;
    std::unique_lock lock(mu_);
    cv_.wait(lock,
             [&] { return stop_ || (diff_ && diff_->before == before && diff_->after == after); });
    return diff_ ? *diff_ : StateDiff{};
}

void ReplayCursor::wait_idle() const {
    if (!engine_) return;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stop_ || (!have_request_ && !busy_.load()); });
}

Outcome<EvtchnSnapshot> ReplayCursor::evtchn(u16 domid) const {
    if (!engine_) return Outcome<EvtchnSnapshot>::failure(no_engine_);
    std::lock_guard lock(engine_mu_);
    return engine_->evtchn(domid);
}

Outcome<WalkResult> ReplayCursor::walk(u64 l4_mfn, u64 va) const {
    if (!engine_) return Outcome<WalkResult>::failure(no_engine_);
    std::lock_guard lock(engine_mu_);
    return engine_->walk(l4_mfn, va);
}

bool ReplayCursor::read_machine(u64 pa, void* out, u64 len) const {
    if (!engine_) return false;
    std::lock_guard lock(engine_mu_);
    return engine_->read_machine(pa, out, len);
}

ReplayStateSource::ReplayStateSource(std::shared_ptr<ReplayCursor> cursor, std::string path)
    : cursor_(std::move(cursor)), path_(std::move(path)) {}

std::string ReplayStateSource::describe() const {
    std::string s = "replay of " + path_;
    if (!cursor_->has_engine()) return s + " (records only: " + cursor_->no_engine_reason() + ")";
    s += " after " + std::to_string(cursor_->shown()) + " records";
    if (cursor_->busy()) s += " (seeking to " + std::to_string(cursor_->requested()) + ")";
    return s;
}

namespace {

struct Current {
    std::mutex mu;
    std::string path;
    std::weak_ptr<ReplayCursor> cursor;
};

Current& current() {
    static Current c;
    return c;
}

} // namespace

Outcome<std::unique_ptr<StateSource>> open_replay_source(const std::string& path) {
    auto engine = open_replay_engine(path);
    std::shared_ptr<ReplayCursor> cursor;
    if (engine.ok()) {
        cursor = std::make_shared<ReplayCursor>(std::move(*engine), "");
        cursor->request(0);
    } else {
        cursor = std::make_shared<ReplayCursor>(nullptr, engine.error());
    }
    {
        std::lock_guard lock(current().mu);
        current().path = path;
        current().cursor = cursor;
    }
    std::unique_ptr<StateSource> src = std::make_unique<ReplayStateSource>(cursor, path);
    return src;
}

std::shared_ptr<ReplayCursor> current_replay_cursor(const std::string& path) {
    std::lock_guard lock(current().mu);
    if (current().path != path) return nullptr;
    return current().cursor.lock();
}

} // namespace glass::gui
