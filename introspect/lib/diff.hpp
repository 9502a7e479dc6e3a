// What changed between two snapshots: frames whose FrameInfo differs, and
// domains created, destroyed or changed (state, memory, vCPU states).
#pragma once

#include "introspect/lib/domains.hpp"
#include "introspect/lib/frames.hpp"

#include <string>
#include <vector>

namespace glass {

struct FrameChange {
    u64 mfn = 0;
    mm::FrameInfo before{}, after{};
};

// Frames beyond the shorter snapshot are not compared.
std::vector<FrameChange> diff_frames(const FrameSnapshot& before, const FrameSnapshot& after);

struct DomainChange {
    u16 id = 0;
    std::string what; // "created", "destroyed", "state running -> paused", ...
};

std::vector<DomainChange> diff_domains(const DomainsSnapshot& before, const DomainsSnapshot& after);

} // namespace glass
