// A host-driven recording: a small machine (two domains, their page tables
// and event channels) whose guests issue a seeded random mix of
// page-table and event-channel hypercalls through the hypervisor's own
// portable hypercall code, recorded exactly as the hypervisor's recorder
// records them (entry, guest reads, validated frame contents, exit,
// periodic checkpoints). Replaying it must reproduce every result and
// checkpoint: the tests and the benchmark use it, and it is a reference
// for what a recorder must write.
#pragma once

#include "hv/lib/types.hpp"
#include "traces/record.hpp"
#include "traces/status.hpp"
#include "traces/writer.hpp"

#include <functional>
#include <memory>

namespace glass::replay {

struct ScenarioOptions {
    u64 records = 100000; // event records to write (the last call may end a few later)
    u64 seed = 1;
    u64 checkpoint_every = 4096; // records
    bool failures = true;        // include requests the hypervisor refuses
};

struct ScenarioCounts {
    u64 hypercalls = 0, failed = 0, not_modelled = 0, multicalls = 0, checkpoints = 0;
    u64 validated_frames = 0;
};

class Scenario {
  public:
    explicit Scenario(const ScenarioOptions& options);
    ~Scenario();

    void snapshot(const std::function<void(const trace::RecordHeader&)>& emit);
    // Runs until `records` event records have been emitted.
    void run(const std::function<void(const trace::RecordHeader&)>& emit);
    const ScenarioCounts& counts() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Writes the whole scenario as a trace file.
trace::Status write_scenario(trace::Writer& w, const ScenarioOptions& options,
                             ScenarioCounts* counts = nullptr);

} // namespace glass::replay
