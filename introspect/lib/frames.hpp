// Frame-table snapshots: the FrameInfo of every machine frame (owner, type,
// counts, pinned), copied in one pass, and the classification the tools
// count by. Each frame falls in exactly one class, so the counts of a
// snapshot add up to its number of frames.
#pragma once

#include "introspect/lib/target.hpp"

#include "hv/core/mm/frame_table.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace glass {

enum class FrameClass : u8 {
    Free,       // owner kOwnerFree
    Hypervisor, // owner DOMID_XEN (including frames shared with a domain)
    Io,         // not RAM
    Ram,        // a domain's frame with no active type
    L1,
    L2,
    L3,
    L4,
    SegDesc,
    Writable,
    OtherType, // a type value this tool does not know
};
constexpr unsigned kFrameClasses = 11;

const char* frame_class_name(FrameClass c);
// "l1" -> L1 etc.; nullopt for an unknown name.
std::optional<FrameClass> frame_class_from_name(const std::string& name);
FrameClass classify(const mm::FrameInfo& f);

struct FrameSnapshot {
    ReadStamp stamp;
    std::vector<mm::FrameInfo> frames; // index = machine frame number
};

// Copies the whole frame table.
FrameSnapshot read_frames(const Target& t);
// The same into `into`, reusing its storage: a reader refreshing at 60 Hz
// then costs one copy, without allocating and faulting in a new buffer.
void read_frames(const Target& t, FrameSnapshot& into);

struct FrameFilter {
    std::optional<FrameClass> cls;
    std::optional<u16> owner;
    bool pinned_only = false;
    bool matches(const mm::FrameInfo& f) const;
};

struct FrameCounts {
    std::array<u64, kFrameClasses> by_class{};
    u64 pinned = 0;
    u64 total = 0; // frames matching the filter
};

FrameCounts count_frames(const FrameSnapshot& s, const FrameFilter& filter = {});
// Machine frame numbers matching the filter, in order.
std::vector<u64> list_frames(const FrameSnapshot& s, const FrameFilter& filter);

} // namespace glass
