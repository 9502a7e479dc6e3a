// glass inspect grants|rings|sched: grant tables, I/O rings found from the
// drivers' grants, scheduler statistics (tables or --json).
#include "introspect/cli/commands.hpp"
#include "introspect/cli/json.hpp"
#include "introspect/lib/grants.hpp"
#include "introspect/lib/rings.hpp"
#include "introspect/lib/sched.hpp"

#include <cstdio>

namespace glass {
namespace {

std::optional<u16> domain_arg(const InspectOptions& o) {
    auto dom = parse_number(o.args[1]);
    if (!dom || *dom > 0xFFFF) return std::nullopt;
    return static_cast<u16>(*dom);
}

void json_grants(const GrantsSnapshot& s) {
    Json j(stdout);
    j.begin_object().field("domain", unsigned(s.domid)).field("consistent", s.stamp.consistent);
    j.field("has_table", s.has_table).field("dying", s.dying).field("version", s.version);
    j.field("nr_frames", s.nr_frames).field("nr_entries", s.nr_entries);
    j.key("entries").begin_array();
    for (const auto& e : s.entries) {
        j.begin_object()
            .field("ref", e.ref)
            .field("type", e.type)
            .field("flags", unsigned(e.flags));
        j.field("domid", unsigned(e.domid)).field("frame", e.frame).field("readonly", e.readonly);
        j.field("active", e.active);
        if (e.active) {
            j.field("active_domid", unsigned(e.active_domid)).field("active_mfn", e.active_mfn);
            j.field("host_ro", unsigned(e.host_ro)).field("host_rw", unsigned(e.host_rw));
            j.field("dev_ro", unsigned(e.dev_ro)).field("dev_rw", unsigned(e.dev_rw));
        }
        j.end_object();
    }
    j.end_array().key("mappings").begin_array();
    for (const auto& m : s.mappings) {
        j.begin_object().field("handle", m.handle).field("flags", m.flags);
        j.field("granter", unsigned(m.granter)).field("ref", m.ref).field("mfn", m.mfn);
        j.end_object();
    }
    j.end_array().end_object();
}

} // namespace

int cmd_grants(const Target& t, const InspectOptions& o) {
    auto dom = domain_arg(o);
    if (!dom) return fail("'" + o.args[1] + "' is not a domain id");
    auto s = read_grants(t, *dom);
    if (!s.ok()) return fail(s.error());
    if (o.json) {
        json_grants(*s);
        return 0;
    }
    std::printf("domain %u: grant table v%u, %u frame(s), %u entries%s\n", s->domid, s->version,
                s->nr_frames, s->nr_entries, s->dying ? " (dying)" : "");
    std::printf("%-6s %-16s %-6s %-10s %-3s %s\n", "ref", "type", "to", "frame", "ro", "pinned by");
    for (const auto& e : s->entries) {
        char pins[64] = "-";
        if (e.active)
            std::snprintf(pins, sizeof pins, "d%u mfn %llx (host %u/%u dev %u/%u ro/rw)",
                          e.active_domid, (unsigned long long)e.active_mfn, e.host_ro, e.host_rw,
                          e.dev_ro, e.dev_rw);
        std::printf("%-6u %-16s d%-5u %-10llx %-3s %s\n", e.ref, e.type.c_str(), e.domid,
                    (unsigned long long)e.frame, e.readonly ? "yes" : "no", pins);
    }
    std::printf("%zu grant mapping(s) held by domain %u\n", s->mappings.size(), s->domid);
    for (const auto& m : s->mappings)
        std::printf("  handle %u: d%u ref %u mfn %llx flags %#x\n", m.handle, m.granter, m.ref,
                    (unsigned long long)m.mfn, m.flags);
    return 0;
}

int cmd_rings(const Target& t, const InspectOptions& o) {
    auto dom = domain_arg(o);
    if (!dom) return fail("'" + o.args[1] + "' is not a domain id");
    auto s = read_rings(t, *dom);
    if (!s.ok()) return fail(s.error());
    if (o.json) {
        Json j(stdout);
        j.begin_object().field("domain", unsigned(s->domid));
        j.field("consistent", s->stamp.consistent).key("rings").begin_array();
        for (const auto& r : s->rings) {
            j.begin_object().field("kind", r.kind).field("found_by", r.found_by);
            j.field("mfn", r.mfn).field("event_port", r.event_port).field("slots", r.slots);
            j.field("outstanding", r.outstanding).field("state", r.state);
            j.field("problem", r.problem).key("indices").begin_object();
            for (const auto& [name, v] : r.indices)
                j.field(name.c_str(), v);
            j.end_object().key("requests").begin_array();
            for (const auto& q : r.requests) {
                j.begin_object().field("index", q.index).field("slot", q.slot).field("op", q.op);
                j.field("id", q.id).field("sector", q.sector);
                j.field("nr_segments", q.nr_segments).end_object();
            }
            j.end_array().end_object();
        }
        j.end_array().end_object();
        return 0;
    }
    if (s->rings.empty()) std::printf("domain %u has no I/O rings\n", s->domid);
    for (const auto& r : s->rings) {
        std::printf("%-8s mfn %llx port %u (%s)%s%s\n", r.kind.c_str(), (unsigned long long)r.mfn,
                    r.event_port, r.found_by.c_str(), r.state.empty() ? "" : ": ", r.state.c_str());
        if (!r.indices.empty()) {
            std::printf("        ");
            for (const auto& [name, v] : r.indices)
                std::printf(" %s %u", name.c_str(), v);
            std::printf("; %u outstanding of %u\n", r.outstanding, r.slots);
        }
        if (!r.problem.empty()) std::printf("         problem: %s\n", r.problem.c_str());
        for (const auto& q : r.requests)
            std::printf("         req %u (slot %u): %s id %llu sector %llu, %u segment(s)\n",
                        q.index, q.slot, q.op.c_str(), (unsigned long long)q.id,
                        (unsigned long long)q.sector, q.nr_segments);
    }
    return 0;
}

int cmd_sched(const Target& t, const InspectOptions& o) {
    auto doms = read_domains(t);
    if (!doms.ok()) return fail(doms.error());
    SchedSnapshot s = sched_stats(*doms);
    if (o.json) {
        Json j(stdout);
        j.begin_object().field("consistent", s.stamp.consistent);
        j.field("now_ns", s.now_ns).field("total_running_ns", s.total_running_ns);
        j.key("domains").begin_array();
        for (const auto& d : s.domains) {
            j.begin_object().field("id", unsigned(d.domid)).field("weight", d.weight);
            j.field("cap", d.cap).field("used_in_period_ns", d.used_in_period_ns);
            j.field("running_ns", d.running_ns).end_object();
        }
        j.end_array().key("vcpus").begin_array();
        for (const auto& v : s.vcpus) {
            j.begin_object().field("domain", unsigned(v.domid)).field("vcpu", v.vcpu);
            j.field("state", v.state).field("running_ns", v.running_ns);
            j.field("runnable_ns", v.runnable_ns).field("blocked_ns", v.blocked_ns);
            j.field("offline_ns", v.offline_ns).field("vtime", v.vtime);
            j.field("run_start_ns", v.run_start_ns);
            j.field("cpu_permille", unsigned(v.cpu_share * 1000 + 0.5));
            j.field("wait_permille", unsigned(v.wait_share * 1000 + 0.5)).end_object();
        }
        j.end_array().end_object();
        return 0;
    }
    std::printf("%-6s %-7s %-5s %-14s %-14s\n", "domain", "weight", "cap", "ran (ms)",
                "period used (ms)");
    for (const auto& d : s.domains)
        std::printf("d%-5u %-7u %-5u %-14.1f %-14.1f\n", d.domid, d.weight, d.cap,
                    d.running_ns / 1e6, d.used_in_period_ns / 1e6);
    std::printf("%-8s %-9s %-10s %-10s %-10s %-6s %-6s %s\n", "vcpu", "state", "run ms", "wait ms",
                "block ms", "cpu%", "wait%", "vtime");
    for (const auto& v : s.vcpus)
        std::printf("d%u/v%-4u %-9s %-10.1f %-10.1f %-10.1f %-6.1f %-6.1f %llu\n", v.domid, v.vcpu,
                    v.state.c_str(), v.running_ns / 1e6, v.runnable_ns / 1e6, v.blocked_ns / 1e6,
                    v.cpu_share * 100, v.wait_share * 100, (unsigned long long)v.vtime);
    return 0;
}

} // namespace glass
