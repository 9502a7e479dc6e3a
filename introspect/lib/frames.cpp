#include "introspect/lib/frames.hpp"

#include <cstring>

namespace glass {
namespace {
const char* const kNames[kFrameClasses] = {"free", "xen", "io",  "ram",      "l1",   "l2",
                                           "l3",   "l4",  "seg", "writable", "other"};
} // namespace

const char* frame_class_name(FrameClass c) {
    return kNames[static_cast<unsigned>(c)];
}

std::optional<FrameClass> frame_class_from_name(const std::string& name) {
    for (unsigned i = 0; i < kFrameClasses; i++)
        if (name == kNames[i]) return static_cast<FrameClass>(i);
    return std::nullopt;
}

FrameClass classify(const mm::FrameInfo& f) {
    if (f.owner == mm::kOwnerFree) return FrameClass::Free;
    if (f.owner == mm::kOwnerHypervisor) return FrameClass::Hypervisor;
    if (f.owner == mm::kOwnerIo) return FrameClass::Io;
    if (f.type_count == 0) return FrameClass::Ram;
    switch (f.type) {
    case mm::FrameType::None:
        return FrameClass::Ram;
    case mm::FrameType::L1:
        return FrameClass::L1;
    case mm::FrameType::L2:
        return FrameClass::L2;
    case mm::FrameType::L3:
        return FrameClass::L3;
    case mm::FrameType::L4:
        return FrameClass::L4;
    case mm::FrameType::SegDesc:
        return FrameClass::SegDesc;
    case mm::FrameType::Writable:
        return FrameClass::Writable;
    default:
        return FrameClass::OtherType;
    }
}

FrameSnapshot read_frames(const Target& t) {
    FrameSnapshot s;
    read_frames(t, s);
    return s;
}

void read_frames(const Target& t, FrameSnapshot& s) {
    const auto& root = t.root();
    s.frames.resize(root.nr_frames);
    u64 bytes = root.nr_frames * sizeof(mm::FrameInfo);
    // The table is machine-contiguous but may straddle the PCI hole in the
    // backend file only if it crosses 4 GiB, which the allocator's low
    // placement rules out; check rather than assume.
    const u8* src = t.memory().at(root.frame_table_phys, bytes);
    if (!src) {
        s.frames.clear();
        return;
    }
    // memcpy moves 16-byte entries with wide loads, so each FrameInfo is
    // as torn or not as the hypervisor's own stores allow (see FORMAT.md).
    // 20 ms: dozens of attempts at a 512 MiB machine's table (0.3 ms a
    // copy), still two at 16 GiB's (33 ms).
    s.stamp = t.read_consistent_within([&] { std::memcpy(s.frames.data(), src, bytes); }, 20);
}

bool FrameFilter::matches(const mm::FrameInfo& f) const {
    if (cls && classify(f) != *cls) return false;
    if (owner && f.owner != *owner) return false;
    if (pinned_only && !(f.flags & mm::kFramePinned)) return false;
    return true;
}

FrameCounts count_frames(const FrameSnapshot& s, const FrameFilter& filter) {
    FrameCounts c;
    for (const auto& f : s.frames) {
        if (!filter.matches(f)) continue;
        c.by_class[static_cast<unsigned>(classify(f))]++;
        if (f.flags & mm::kFramePinned) c.pinned++;
        c.total++;
    }
    return c;
}

std::vector<u64> list_frames(const FrameSnapshot& s, const FrameFilter& filter) {
    std::vector<u64> out;
    for (u64 m = 0; m < s.frames.size(); m++)
        if (filter.matches(s.frames[m])) out.push_back(m);
    return out;
}

} // namespace glass
