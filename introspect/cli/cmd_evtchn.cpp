#include "introspect/cli/commands.hpp"
#include "introspect/cli/json.hpp"
#include "introspect/lib/diff.hpp"
#include "introspect/lib/evtchn.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

namespace glass {

int cmd_evtchn(const Target& t, const InspectOptions& o) {
    auto dom = parse_number(o.args[1]);
    if (!dom || *dom > 0xFFFF) return fail("'" + o.args[1] + "' is not a domain id");
    auto s = read_evtchn(t, static_cast<u16>(*dom));
    if (!s.ok()) return fail(s.error());
    if (o.json) {
        Json j(stdout);
        j.begin_object().field("domain", unsigned(s->domid));
        j.field("consistent", s->stamp.consistent).key("ports").begin_array();
        for (const auto& p : s->ports) {
            j.begin_object().field("port", p.port).field("state", p.state);
            j.field("notify_vcpu", p.notify_vcpu).field("remote_dom", unsigned(p.remote_dom));
            j.field("remote_port", unsigned(p.remote_port)).field("virq", p.virq);
            j.field("pending", p.pending).field("masked", p.masked).end_object();
        }
        j.end_array().key("vcpus").begin_array();
        for (const auto& v : s->vcpus) {
            j.begin_object().field("vcpu", v.vcpu).field("upcall_pending", v.pending);
            j.field("upcall_masked", v.masked).field("pending_sel", v.pending_sel).end_object();
        }
        j.end_array().end_object();
        return 0;
    }
    std::printf("%-6s %-12s %-6s %-12s %-5s %-7s %-6s\n", "port", "state", "vcpu", "remote", "virq",
                "pending", "masked");
    for (const auto& p : s->ports) {
        char remote[24] = "";
        if (p.state == "Interdomain")
            std::snprintf(remote, sizeof remote, "d%u:%u", p.remote_dom, p.remote_port);
        else if (p.state == "Unbound")
            std::snprintf(remote, sizeof remote, "d%u", p.remote_dom);
        char virq[8] = "";
        if (p.state == "Virq") std::snprintf(virq, sizeof virq, "%u", p.virq);
        std::printf("%-6u %-12s %-6u %-12s %-5s %-7s %-6s\n", p.port, p.state.c_str(),
                    p.notify_vcpu, remote, virq, p.pending ? "yes" : "no", p.masked ? "yes" : "no");
    }
    for (const auto& v : s->vcpus)
        std::printf("vCPU %u: upcall pending %s, mask %s, selector %#llx\n", v.vcpu,
                    v.pending ? "yes" : "no", v.masked ? "yes" : "no",
                    (unsigned long long)v.pending_sel);
    return 0;
}

int cmd_diff(const Target& t, const InspectOptions& o) {
    auto d0 = read_domains(t);
    FrameSnapshot f0 = read_frames(t);
    std::this_thread::sleep_for(std::chrono::milliseconds(o.interval_ms));
    auto d1 = read_domains(t);
    FrameSnapshot f1 = read_frames(t);
    if (!d0.ok() || !d1.ok()) return fail(d0.ok() ? d1.error() : d0.error());
    auto dc = diff_domains(*d0, *d1);
    auto fc = diff_frames(f0, f1);
    if (o.json) {
        Json j(stdout);
        j.begin_object().field("interval_ms", o.interval_ms).key("domains").begin_array();
        for (const auto& c : dc)
            j.begin_object().field("id", unsigned(c.id)).field("change", c.what).end_object();
        j.end_array().key("frames").begin_array();
        for (const auto& c : fc) {
            j.begin_object().field("mfn", c.mfn);
            j.field("before", frame_class_name(classify(c.before)));
            j.field("after", frame_class_name(classify(c.after))).end_object();
        }
        j.end_array().end_object();
        return 0;
    }
    std::printf("in %u ms: %zu domain change(s), %zu frame(s) changed\n", o.interval_ms, dc.size(),
                fc.size());
    for (const auto& c : dc)
        std::printf("  d%u %s\n", c.id, c.what.c_str());
    for (const auto& c : fc)
        std::printf("  mfn %llx: %s (owner %u, refs %u) -> %s (owner %u, refs %u)\n",
                    (unsigned long long)c.mfn, frame_class_name(classify(c.before)), c.before.owner,
                    c.before.ref_count, frame_class_name(classify(c.after)), c.after.owner,
                    c.after.ref_count);
    return 0;
}

} // namespace glass
