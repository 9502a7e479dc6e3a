// The replay engine behind replay mode: traces/replay's Replay when this
// build has it, else none (the trace panels still work on the records; the
// state panels say why they are empty).
#include "gui/model/replay_cursor.hpp"

#if __has_include("traces/replay/replay.hpp")
#include "traces/replay/replay.hpp"
#define GLASS_GUI_HAVE_REPLAY 1
#endif

namespace glass::gui {

#ifdef GLASS_GUI_HAVE_REPLAY

namespace {

class TraceReplayEngine final : public ReplayEngine {
  public:
    explicit TraceReplayEngine(std::unique_ptr<replay::Replay> r) : r_(std::move(r)) {}
    u64 record_count() const override { return r_->record_count(); }
    std::string seek(u64 n) override {
        trace::Status s = r_->seek(n);
        return s ? std::string() : s.error().to_string();
    }
    DomainsSnapshot domains() const override { return r_->domains(); }
    FrameSnapshot frames() const override { return r_->frames(); }
    Outcome<EvtchnSnapshot> evtchn(u16 domid) const override { return r_->evtchn(domid); }
    Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const override { return r_->walk(l4_mfn, va); }
    bool read_machine(u64 pa, void* out, u64 len) const override {
        return r_->memory().read(pa, out, len);
    }
    std::vector<std::string> divergences() const override {
        std::vector<std::string> out;
        for (const auto& d : r_->divergences())
            out.push_back(d.message());
        return out;
    }

  private:
    std::unique_ptr<replay::Replay> r_;
};

} // namespace

Outcome<std::unique_ptr<ReplayEngine>> open_replay_engine(const std::string& path) {
    auto r = replay::Replay::open(path);
    if (!r.ok()) return Outcome<std::unique_ptr<ReplayEngine>>::failure(r.error());
    std::unique_ptr<ReplayEngine> e = std::make_unique<TraceReplayEngine>(std::move(*r));
    return e;
}

#else

Outcome<std::unique_ptr<ReplayEngine>> open_replay_engine(const std::string&) {
    return Outcome<std::unique_ptr<ReplayEngine>>::failure(
        "this build has no replay engine (traces/replay)");
}

#endif

} // namespace glass::gui
