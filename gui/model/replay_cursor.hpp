// Replay mode's "state at this point": the scrub position goes in
// (request(n): the state after records [0, n)), StateFrames come out, the
// same immutable frames LiveSource publishes, so every panel that draws
// wb.state() shows the replayed machine without knowing it is replayed.
//
// Seeking can take a while (forward replay from the nearest checkpoint), so
// a worker thread owns the engine: requests coalesce (while playing fast
// only the newest position is replayed), and the frame loop only picks up
// the newest published frame. On-demand reads (event channels, walks,
// machine memory) take the engine's lock and see the shown position.
#pragma once

#include "gui/session/state_source.hpp"
#include "introspect/lib/diff.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace glass::gui {

// What replay mode needs from a replay engine (traces/replay), as an
// interface so the cursor is tested with the real engine and works, state
// panels aside, in a build without one.
class ReplayEngine {
  public:
    virtual ~ReplayEngine() = default;
    virtual u64 record_count() const = 0;
    // The state after records [0, n); an error sentence, or "" on success.
    virtual std::string seek(u64 n) = 0;
    virtual DomainsSnapshot domains() const = 0;
    virtual FrameSnapshot frames() const = 0;
    virtual Outcome<EvtchnSnapshot> evtchn(u16 domid) const = 0;
    virtual Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const = 0;
    virtual bool read_machine(u64 pa, void* out, u64 len) const = 0;
    // Divergences found so far, one line each (for the Replay panel).
    virtual std::vector<std::string> divergences() const { return {}; }
};

// The replay engine for a trace file, or why there is none.
Outcome<std::unique_ptr<ReplayEngine>> open_replay_engine(const std::string& path);

// What replaying records [before, after) changed: the state after records
// [0, before) against the state after [0, after).
struct StateDiff {
    u64 before = 0, after = 0;
    std::vector<FrameChange> frames;
    std::vector<DomainChange> domains;
    std::string error;
};

class ReplayCursor {
  public:
    // `engine` may be null: then frames carry `no_engine_reason`.
    ReplayCursor(std::unique_ptr<ReplayEngine> engine, std::string no_engine_reason);
    ~ReplayCursor();
    ReplayCursor(const ReplayCursor&) = delete;
    ReplayCursor& operator=(const ReplayCursor&) = delete;

    // Asks for the state after records [0, n).
    void request(u64 n);
    // The newest published state (never null; seq 0 until the first seek).
    std::shared_ptr<const StateFrame> latest() const;
    // Position of latest(), and the one asked for last.
    u64 shown() const { return shown_.load(); }
    u64 requested() const;
    bool busy() const { return busy_.load(); }
    bool has_engine() const { return engine_ != nullptr; }
    const std::string& no_engine_reason() const { return no_engine_; }
    // Last seek error, "" if none.
    std::string error() const;
    std::vector<std::string> divergences() const;

    Outcome<EvtchnSnapshot> evtchn(u16 domid) const;
    Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const;
    bool read_machine(u64 pa, void* out, u64 len) const;

    // Asks for the change records [before, after) make (Record details: the
    // state change a hypercall caused). Computed on the worker, which then
    // returns to the shown position; diff() has it once done.
    void request_diff(u64 before, u64 after);
    // The newest finished diff, if it is for [before, after).
    std::optional<StateDiff> diff(u64 before, u64 after) const;

    // Blocks until diff(before, after) is there (tests).
    StateDiff wait_diff(u64 before, u64 after) const;
    // Blocks until the position asked for last is the one shown (tests).
    void wait_idle() const;

  private:
    void run();

    std::unique_ptr<ReplayEngine> engine_;
    std::string no_engine_;
    mutable std::mutex engine_mu_; // the engine is not thread-safe
    mutable std::mutex mu_;        // the fields below
    mutable std::condition_variable cv_;
    std::shared_ptr<const StateFrame> latest_;
    u64 requested_ = 0;
    bool have_request_ = false; // requested_ not yet taken by the worker
    bool asked_ = false;        // requested_ holds a request
    std::string error_;
    u64 seq_ = 0;
    bool stop_ = false;
    bool have_diff_request_ = false;
    u64 diff_before_ = 0, diff_after_ = 0;
    std::optional<StateDiff> diff_;
    std::atomic<u64> shown_{0};
    std::atomic<bool> busy_{false};
    std::thread thread_;
};

// The StateSource a trace session hands the panels.
class ReplayStateSource final : public StateSource {
  public:
    ReplayStateSource(std::shared_ptr<ReplayCursor> cursor, std::string path);
    std::string describe() const override;
    std::shared_ptr<const StateFrame> latest() const override { return cursor_->latest(); }
    Outcome<EvtchnSnapshot> evtchn(u16 domid) const override { return cursor_->evtchn(domid); }
    Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const override {
        return cursor_->walk(l4_mfn, va);
    }
    // Replay keeps no reverse map; the Memory panel shows none.
    std::vector<PteRef> reverse(const FrameSnapshot&, u64) const override { return {}; }
    bool read_machine(u64 pa, void* out, u64 len) const override {
        return cursor_->read_machine(pa, out, len);
    }
    const Target* target() const override { return nullptr; }
    const std::shared_ptr<ReplayCursor>& cursor() const { return cursor_; }

  private:
    std::shared_ptr<ReplayCursor> cursor_;
    std::string path_;
};

// The trace opener replay mode registers (set_trace_opener): a cursor over
// the file's replay engine (or none), published as the current one so the
// trace panels' workspace steers it.
Outcome<std::unique_ptr<StateSource>> open_replay_source(const std::string& path);
// The cursor open_replay_source made last, for `path` (null if none).
std::shared_ptr<ReplayCursor> current_replay_cursor(const std::string& path);

} // namespace glass::gui
