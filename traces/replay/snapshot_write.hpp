// The initial-state snapshot of a machine, as Snap* records (FORMAT.md,
// "Initial-state snapshot"): what load_snapshot() reads back. Used by the
// host scenario; the hypervisor's recorder writes the same records from its
// own structures.
#pragma once

#include "traces/record.hpp"
#include "traces/replay/state.hpp"

#include <functional>

namespace glass::replay {

void write_snapshot(const MachineState& m,
                    const std::function<void(const trace::RecordHeader&)>& emit);

} // namespace glass::replay
