// Deterministic replay of a hypercall trace on the host (traces/README.md).
//
// The hypervisor's portable memory and event core (hv/core: frame table,
// page typing and validation, page-table updates, event channels) runs
// here over the machine the trace's snapshot describes. Each recorded
// hypercall the core models (mmu_update, mmuext_op, update_va_mapping[_
// otherdomain], event_channel_op; multicall sub-calls individually) is
// re-executed by the same decode-check-act code the hypervisor runs
// (hv/core/hypercall), reading guest memory from its HypercallRead
// records; its result is compared with the recorded one and every
// Checkpoint's hashes with the replayed state's. Other hypercalls are
// counted as not modelled, never passed silently.
//
// Random access: seek(n) gives the state after records [0, n), from the
// nearest in-memory checkpoint (one every `checkpoint_interval` records,
// taken as replay passes) plus forward replay. The state comes out in the
// introspect library's snapshot types, so a workbench panel cannot tell a
// replayed machine from a live one.
//
// Not thread-safe: one Replay per thread (the workbench's scrubber owns one).
#pragma once

#include "introspect/lib/domains.hpp"
#include "introspect/lib/evtchn.hpp"
#include "introspect/lib/frames.hpp"
#include "introspect/lib/machine_memory.hpp"
#include "introspect/lib/outcome.hpp"
#include "introspect/lib/walk.hpp"
#include "traces/replay/divergence.hpp"
#include "traces/status.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace glass::trace {
class Reader;
}

namespace glass::replay {

struct ReplayOptions {
    // Records between in-memory checkpoints: a seek replays at most this
    // many records; each checkpoint costs about 24 bytes per used frame plus
    // 4 KiB per page table.
    u64 checkpoint_interval = 16384;
};

class Replay {
  public:
    // Opens the file and loads its snapshot. Fails when the file or its
    // snapshot cannot be read; damage later in the file (a truncated
    // recording) is in damage(), and the records before it replay.
    static Outcome<std::unique_ptr<Replay>> open(const std::string& path,
                                                 ReplayOptions options = {});
    static Outcome<std::unique_ptr<Replay>> open(std::unique_ptr<trace::Reader> reader,
                                                 ReplayOptions options = {});
    ~Replay();

    // Event records readable (before any damage).
    u64 record_count() const;
    // Records applied: the state is the one after records [0, position()).
    u64 position() const { return position_; }
    const std::optional<trace::Error>& damage() const;

    // Replays forward to `to` (clamped to record_count()). With
    // stop_at_divergence it stops after the first record that diverged.
    // Fails only when reading the file fails (the error names the offset).
    trace::Status run_to(u64 to, bool stop_at_divergence = false);
    // The state after records [0, n), n <= record_count().
    trace::Status seek(u64 n);

    // Divergences found so far, in record order, each once (seeking back and
    // replaying again does not repeat them).
    const std::vector<Divergence>& divergences() const { return divergences_; }
    // Counts over records [0, position()).
    const ReplayStats& stats() const;

    // --- The replayed state, as introspect/lib presents live state. ---
    FrameSnapshot frames() const;
    DomainsSnapshot domains() const;
    Outcome<EvtchnSnapshot> evtchn(u16 domid) const;
    Outcome<WalkResult> walk(u64 l4_mfn, u64 va) const;
    // Machine memory as far as replay knows it (page tables; other frames'
    // contents are the guest's and only known where the trace recorded them).
    MachineMemory memory() const;

    // Fills in the frame a divergence is about (the frames the replayed call
    // changed, or those that changed since the last matching checkpoint),
    // by replaying again from a checkpoint. Leaves the current position alone.
    void explain(Divergence& d);

  private:
    struct Impl;
    explicit Replay(std::unique_ptr<Impl> impl);
    trace::Status step_to(u64 to, bool stop_at_divergence);
    void note(std::vector<Divergence>& found);

    std::unique_ptr<Impl> impl_;
    u64 position_ = 0;
    std::vector<Divergence> divergences_;
};

} // namespace glass::replay
