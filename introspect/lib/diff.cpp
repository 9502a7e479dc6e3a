#include "introspect/lib/diff.hpp"

#include <cstring>

namespace glass {
namespace {

template <class T>
void field(std::vector<DomainChange>& out, u16 id, const std::string& name, const T& a,
           const T& b) {
    if (a == b) return;
    if constexpr (std::is_same_v<T, std::string>)
        out.push_back({id, name + " " + a + " -> " + b});
    else
        out.push_back({id, name + " " + std::to_string(a) + " -> " + std::to_string(b)});
}

} // namespace

std::vector<FrameChange> diff_frames(const FrameSnapshot& before, const FrameSnapshot& after) {
    std::vector<FrameChange> out;
    u64 n = std::min(before.frames.size(), after.frames.size());
    for (u64 m = 0; m < n; m++)
        if (std::memcmp(&before.frames[m], &after.frames[m], sizeof(mm::FrameInfo)) != 0)
            out.push_back({m, before.frames[m], after.frames[m]});
    return out;
}

std::vector<DomainChange> diff_domains(const DomainsSnapshot& before,
                                       const DomainsSnapshot& after) {
    std::vector<DomainChange> out;
    for (const auto& a : before.domains)
        if (!after.find(a.id)) out.push_back({a.id, "destroyed"});
    for (const auto& b : after.domains) {
        const DomainSnapshot* a = before.find(b.id);
        if (!a) {
            out.push_back({b.id, "created"});
            continue;
        }
        field(out, b.id, "state", a->state, b.state);
        field(out, b.id, "nr_pages", a->nr_pages, b.nr_pages);
        field(out, b.id, "max_pages", a->max_pages, b.max_pages);
        field(out, b.id, "pause_count", a->pause_count, b.pause_count);
        field(out, b.id, "vcpus", a->vcpus.size(), b.vcpus.size());
        for (size_t i = 0; i < a->vcpus.size() && i < b.vcpus.size(); i++) {
            std::string v = "vcpu" + std::to_string(i) + " ";
            field(out, b.id, v + "state", a->vcpus[i].state, b.vcpus[i].state);
            field(out, b.id, v + "l4_mfn", a->vcpus[i].l4_mfn(), b.vcpus[i].l4_mfn());
        }
    }
    return out;
}

} // namespace glass
