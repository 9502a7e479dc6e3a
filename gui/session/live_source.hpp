// Live state from a running Glasshouse through introspect/: a poller thread
// re-reads the domain registry and the whole frame table every period and
// publishes an immutable StateFrame; the frame loop only picks up the
// newest, so a 4-million-frame table (tens of ms to copy) never stalls
// drawing.
#pragma once

#include "gui/session/state_source.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace glass::gui {

class LiveSource final : public StateSource {
  public:
    // `period_ms` 0: no thread; refresh() must be called (tests, benchmark).
    LiveSource(Target target, std::string what, unsigned period_ms = 100);
    ~LiveSource() override;

    std::string describe() const override { return what_; }
    std::shared_ptr<const StateFrame> latest() const override;
    Outcome<EvtchnSnapshot> evtchn(u16 domid) const override { return read_evtchn(target_, domid); }
    Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const override {
        return glass::walk(target_, l4_mfn, va);
    }
    std::vector<PteRef> reverse(const FrameSnapshot& frames, u64 mfn) const override {
        return reverse_lookup(target_, frames, mfn);
    }
    bool read_machine(u64 pa, void* out, u64 len) const override {
        return target_.memory().read(pa, out, len);
    }
    const Target* target() const override { return &target_; }

    // One refresh now, on the caller's thread.
    void refresh();
    // Asks the poller for a refresh as soon as possible (after a pause).
    void poke() override;

  private:
    void run();
    std::shared_ptr<StateFrame> spare();

    Target target_;
    std::string what_;
    unsigned period_ms_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::shared_ptr<const StateFrame> latest_;
    std::vector<std::shared_ptr<StateFrame>> pool_; // reused buffers
    u64 seq_ = 0;
    double last_work_ms_ = 0;
    bool stop_ = false, poked_ = false;
    std::thread thread_;
};

} // namespace glass::gui
