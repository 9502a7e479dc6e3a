// Where the workbench's panels get hypervisor state: one interface for a
// live Glasshouse (LiveSource, over introspect/) and a recorded one (the
// replay model hands in its own), returning introspect's snapshot types,
// so a panel cannot tell live from replayed state.
#pragma once

#include "introspect/lib/domains.hpp"
#include "introspect/lib/evtchn.hpp"
#include "introspect/lib/frames.hpp"
#include "introspect/lib/walk.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace glass::gui {

// One moment of hypervisor state, immutable once published. Panels hold
// the shared_ptr for the frame they draw, so a refresh never changes data
// under them (Tracy holds the Worker's lock for the same reason).
struct StateFrame {
    u64 seq = 0; // grows with every refresh; 0 = nothing read yet
    std::chrono::steady_clock::time_point taken{};
    DomainsSnapshot domains;
    std::string domains_error; // why `domains` is empty, if it is
    FrameSnapshot frames;
    // Work done off the frame loop, when the source can: the frames that
    // differ from the frame table of state `changed_since` (its seq), and
    // the per-class counts. has_changes false: consumers diff themselves.
    bool has_changes = false;
    u64 changed_since = 0;
    std::vector<u64> changed;
    FrameCounts counts;
    bool has_counts = false;
    double read_ms = 0; // how long the refresh took
};

class StateSource {
  public:
    virtual ~StateSource() = default;
    // For the status bar: "live /dev/shm/glasshouse.ram" or "replay at ...".
    virtual std::string describe() const = 0;
    // The newest published state (never null; seq 0 until the first read).
    virtual std::shared_ptr<const StateFrame> latest() const = 0;
    // Reads done on demand for the panel that asks (not every refresh).
    virtual Outcome<EvtchnSnapshot> evtchn(u16 domid) const = 0;
    virtual Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const = 0;
    virtual std::vector<PteRef> reverse(const FrameSnapshot& frames, u64 mfn) const = 0;
    // Bytes of machine memory; false where that is not RAM.
    virtual bool read_machine(u64 pa, void* out, u64 len) const = 0;
    // The attached target, for panels that use other introspect readers
    // (null when the state is replayed without one).
    virtual const Target* target() const = 0;
    // Re-read soon (after a control action changed something).
    virtual void poke() {}
};

} // namespace glass::gui
