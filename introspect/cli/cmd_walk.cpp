#include "introspect/cli/commands.hpp"
#include "introspect/cli/json.hpp"
#include "introspect/lib/domains.hpp"
#include "introspect/lib/walk.hpp"

#include <cstdio>

namespace glass {
namespace {

std::string hex(u64 v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%#llx", (unsigned long long)v);
    return buf;
}

} // namespace

int cmd_walk(const Target& t, const InspectOptions& o) {
    auto dom = parse_number(o.args[1]);
    auto va = parse_number(o.args[2]);
    if (!dom || *dom > 0xFFFF) return fail("'" + o.args[1] + "' is not a domain id");
    if (!va) return fail("'" + o.args[2] + "' is not an address");
    auto doms = read_domains(t);
    if (!doms.ok()) return fail(doms.error());
    const DomainSnapshot* d = doms->find(static_cast<u16>(*dom));
    if (!d) return fail("no such domain " + o.args[1]);
    if (o.vcpu >= d->vcpus.size())
        return fail("domain " + o.args[1] + " has no vCPU " + std::to_string(o.vcpu));
    const VcpuSnapshot& v = d->vcpus[o.vcpu];
    u64 l4 = o.user ? v.user_l4_mfn : v.kernel_l4_mfn;
    if (!l4)
        return fail("domain " + o.args[1] + " vCPU " + std::to_string(o.vcpu) + " has no " +
                    (o.user ? "user" : "kernel") + " page table");
    auto r = walk(t, l4, *va);
    if (!r.ok()) return fail(r.error());

    if (o.json) {
        Json j(stdout);
        j.begin_object();
        j.field("domain", unsigned(d->id)).field("vcpu", o.vcpu).field("va", r->va);
        j.field("l4_mfn", r->l4_mfn).field("mapped", r->mapped);
        j.key("levels").begin_array();
        for (const auto& s : r->steps) {
            j.begin_object();
            j.field("level", s.level).field("table_mfn", s.table_mfn).field("index", s.index);
            j.field("entry", s.entry).field("flags", pte_flags(s.entry, s.level));
            j.end_object();
        }
        j.end_array();
        if (r->mapped) {
            j.field("mfn", r->mfn).field("maddr", r->maddr).field("page_size", r->page_size);
            j.field("writable", r->writable).field("user", r->user);
            j.field("executable", r->executable);
        } else {
            j.field("why", r->why_unmapped);
        }
        j.end_object();
        return r->mapped ? 0 : 1;
    }
    std::printf("d%u vCPU %u, %s L4 at mfn %s, va %s\n", d->id, o.vcpu, o.user ? "user" : "kernel",
                hex(r->l4_mfn).c_str(), hex(r->va).c_str());
    for (const auto& s : r->steps)
        std::printf("  L%u  table %10s [%3u] = %18s  %s\n", s.level, hex(s.table_mfn).c_str(),
                    s.index, hex(s.entry).c_str(), pte_flags(s.entry, s.level).c_str());
    if (!r->mapped)
        return fail(hex(r->va) + " is not mapped in domain " + o.args[1] + ": " + r->why_unmapped);
    std::printf("-> mfn %s (machine address %s, %llu KiB page, %s%s%s)\n", hex(r->mfn).c_str(),
                hex(r->maddr).c_str(), (unsigned long long)r->page_size >> 10,
                r->writable ? "writable" : "read-only", r->user ? ", user" : "",
                r->executable ? ", executable" : "");
    return 0;
}

int cmd_reverse(const Target& t, const InspectOptions& o) {
    auto mfn = parse_number(o.args[1]);
    if (!mfn) return fail("'" + o.args[1] + "' is not a frame number");
    FrameSnapshot frames = read_frames(t);
    if (*mfn >= frames.frames.size())
        return fail("frame " + hex(*mfn) + " is beyond the frame table (" +
                    std::to_string(frames.frames.size()) + " frames)");
    auto refs = reverse_lookup(t, frames, *mfn);
    if (o.json) {
        Json j(stdout);
        j.begin_object().field("mfn", *mfn).key("mappings").begin_array();
        for (const auto& r : refs) {
            j.begin_object().field("table_mfn", r.table_mfn).field("level", r.level);
            j.field("index", r.index).field("entry", r.entry);
            j.field("owner", unsigned(r.table_owner)).end_object();
        }
        j.end_array().end_object();
        return 0;
    }
    std::printf("%zu page-table entries map frame %s\n", refs.size(), hex(*mfn).c_str());
    for (const auto& r : refs)
        std::printf("  d%-4u L%u table %10s [%3u] = %18s  %s\n", r.table_owner, r.level,
                    hex(r.table_mfn).c_str(), r.index, hex(r.entry).c_str(),
                    pte_flags(r.entry, r.level).c_str());
    return 0;
}

} // namespace glass
