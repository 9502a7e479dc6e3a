#include "introspect/cli/commands.hpp"
#include "introspect/cli/json.hpp"
#include "introspect/lib/domains.hpp"
#include "introspect/lib/frames.hpp"

#include <cstdio>

namespace glass {
namespace {

void print_frame_json(Json& j, u64 mfn, const mm::FrameInfo& f) {
    j.begin_object();
    j.field("mfn", mfn).field("class", frame_class_name(classify(f)));
    j.field("owner", unsigned(f.owner)).field("type", unsigned(f.type));
    j.field("ref_count", f.ref_count).field("type_count", f.type_count);
    j.field("pinned", (f.flags & mm::kFramePinned) != 0);
    j.field("validated", (f.flags & mm::kFrameValidated) != 0);
    j.end_object();
}

} // namespace

int cmd_frames(const Target& t, const InspectOptions& o) {
    FrameFilter filter;
    if (!o.type.empty()) {
        filter.cls = frame_class_from_name(o.type);
        if (!filter.cls)
            return fail("unknown frame type '" + o.type +
                        "' (free xen io ram l1 l2 l3 l4 seg writable other)");
    }
    if (o.domain) {
        auto doms = read_domains(t);
        if (doms.ok() && !doms->find(static_cast<u16>(*o.domain)))
            return fail("no such domain " + std::to_string(*o.domain));
        filter.owner = static_cast<u16>(*o.domain);
    }
    filter.pinned_only = o.pinned;
    FrameSnapshot s = read_frames(t);
    if (s.frames.empty()) return fail("the frame table lies outside the RAM file");
    FrameCounts c = count_frames(s, filter);
    std::vector<u64> list;
    if (o.list) list = list_frames(s, filter);

    if (o.json) {
        Json j(stdout);
        j.begin_object();
        j.field("consistent", s.stamp.consistent).field("attempts", s.stamp.attempts);
        j.field("nr_frames", s.frames.size()).field("matching", c.total);
        j.field("pinned", c.pinned);
        j.key("counts").begin_object();
        for (unsigned i = 0; i < kFrameClasses; i++)
            j.field(frame_class_name(static_cast<FrameClass>(i)), c.by_class[i]);
        j.end_object();
        if (o.list) {
            j.key("frames").begin_array();
            for (u64 m : list)
                print_frame_json(j, m, s.frames[m]);
            j.end_array();
        }
        j.end_object();
        return 0;
    }
    std::printf("%llu frames (%llu MiB) in the table, %llu matching, %llu pinned%s\n",
                (unsigned long long)s.frames.size(), (unsigned long long)s.frames.size() >> 8,
                (unsigned long long)c.total, (unsigned long long)c.pinned,
                s.stamp.consistent ? "" : " (best effort: state changed during the copy)");
    std::printf("%-9s %10s %10s\n", "type", "frames", "KiB");
    for (unsigned i = 0; i < kFrameClasses; i++)
        if (c.by_class[i])
            std::printf("%-9s %10llu %10llu\n", frame_class_name(static_cast<FrameClass>(i)),
                        (unsigned long long)c.by_class[i], (unsigned long long)c.by_class[i] * 4);
    if (o.list) {
        std::printf("\n%10s %-9s %6s %6s %6s %s\n", "mfn", "type", "owner", "refs", "trefs",
                    "flags");
        for (u64 m : list) {
            const mm::FrameInfo& f = s.frames[m];
            std::printf("%10llx %-9s %6u %6u %6u %s%s\n", (unsigned long long)m,
                        frame_class_name(classify(f)), f.owner, f.ref_count, f.type_count,
                        (f.flags & mm::kFramePinned) ? "pinned " : "",
                        (f.flags & mm::kFrameValidated) ? "validated" : "");
        }
    }
    return 0;
}

} // namespace glass
