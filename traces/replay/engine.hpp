// Record-by-record replay over a MachineState: assembles each hypercall
// from its entry, reads and exit (per vCPU, multicall sub-calls nested),
// re-executes the modelled ones through the portable hypercall logic when
// their exit arrives, and checks results, page-type changes and
// checkpoint hashes. Internal to the replay library (replay.hpp is the API).
#pragma once

#include "traces/record.hpp"
#include "traces/replay/callers.hpp"
#include "traces/replay/divergence.hpp"
#include "traces/replay/state.hpp"

#include <map>
#include <vector>

namespace glass::replay {

struct OpenCall {
    u64 entry_record = 0;
    trace::HypercallEntry entry{};
    std::vector<RecordedRead> reads;
    // Recorded page-type changes during the call: mfn -> (type, count) last seen.
    std::map<u64, std::pair<u8, u32>> type_changes;
};

// Calls in progress, per vCPU (domain << 16 | vcpu), innermost last.
using OpenCalls = std::map<u32, std::vector<OpenCall>>;

struct EngineState {
    OpenCalls open;
    u64 checkpoints_seen = 0;
};

class Engine {
  public:
    explicit Engine(MachineState& m);
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;
    ~Engine();

    // Applies record `index`; appends what diverged to `out`.
    void apply(u64 index, const trace::RecordHeader& r, std::vector<Divergence>& out);

    ReplayStats& stats() { return stats_; }
    EngineState& state() { return st_; }
    MachineState& machine() { return m_; }

    // Whether hypercall `nr` (sub-op `subop`) is re-executed on the host.
    static bool modelled(u32 nr);

  private:
    void exit_call(u64 index, const trace::HypercallExit& x, std::vector<Divergence>& out);
    void execute(u64 exit_index, OpenCall& call, const trace::HypercallExit& x,
                 std::vector<Divergence>& out);
    void checkpoint(u64 index, const trace::Checkpoint& c, std::vector<Divergence>& out);
    static void on_validate(void* ctx, u64 mfn, mm::FrameType type);

    MachineState& m_;
    EngineState st_;
    ReplayStats stats_;
    OpenCall* executing_ = nullptr; // the call whose frame contents the hook serves
};

Divergence call_divergence(DivergenceKind k, u64 record, const OpenCall& c);

} // namespace glass::replay
