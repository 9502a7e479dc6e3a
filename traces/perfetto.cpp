#include "traces/perfetto.hpp"

#include <cinttypes>
#include <cstdio>

#include "traces/names.hpp"

namespace glass::trace {

namespace {

// Trace-event times are microseconds; keep nanosecond precision.
std::string micros(std::uint64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%" PRIu64 ".%03u", ns / 1000, unsigned(ns % 1000));
    return buf;
}

std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out;
}

} // namespace

PerfettoExporter::PerfettoExporter(std::ostream& out) : out_(out) {
    out_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[";
}

void PerfettoExporter::begin_event() {
    out_ << (events_++ ? ",\n" : "\n");
}

void PerfettoExporter::track(std::uint16_t domain, std::uint16_t vcpu) {
    if (domains_.insert(domain).second) {
        begin_event();
        out_ << "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" << domain
             << ",\"args\":{\"name\":\""
             << (domain == kDomainHypervisor ? std::string("hypervisor")
                                             : "domain " + std::to_string(domain))
             << "\"}}";
    }
    if (tracks_.insert(std::uint32_t(domain) << 16 | vcpu).second) {
        begin_event();
        out_ << "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" << domain << ",\"tid\":" << vcpu
             << ",\"args\":{\"name\":\"vcpu " << vcpu << "\"}}";
    }
}

void PerfettoExporter::complete(std::uint16_t domain, std::uint16_t vcpu, const Open& o,
                                std::uint64_t end_ns, const char* result) {
    begin_event();
    char args[96];
    std::snprintf(args, sizeof args, "\"a0\":\"%#" PRIx64 "\",\"a1\":\"%#" PRIx64 "\"", o.args[0],
                  o.args[1]);
    out_ << "{\"ph\":\"X\",\"cat\":\"hypercall\",\"name\":\"" << hypercall_name(o.nr)
         << "\",\"pid\":" << domain << ",\"tid\":" << vcpu << ",\"ts\":" << micros(o.time_ns)
         << ",\"dur\":" << micros(end_ns >= o.time_ns ? end_ns - o.time_ns : 0) << ",\"args\":{"
         << args << ",\"result\":" << result << "}}";
}

void PerfettoExporter::add(const RecordHeader& r) {
    last_ns_ = std::max(last_ns_, r.time_ns);
    track(r.domain, r.vcpu);
    const std::uint32_t key = std::uint32_t(r.domain) << 16 | r.vcpu;
    if (auto e = record_as<HypercallEntry>(&r, RecordType::HypercallEntry)) {
        open_[key].push_back({e->nr, r.time_ns, {e->args[0], e->args[1]}});
        return;
    }
    if (auto x = record_as<HypercallExit>(&r, RecordType::HypercallExit)) {
        auto& stack = open_[key];
        if (!stack.empty() && stack.back().nr == x->nr) {
            complete(r.domain, r.vcpu, stack.back(), r.time_ns, std::to_string(x->result).c_str());
            stack.pop_back();
            return;
        }
    }
    // Guest-memory reads are bulk data, not events worth a marker.
    if (r.type == static_cast<std::uint16_t>(RecordType::HypercallRead)) return;
    begin_event();
    out_ << "{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"" << record_type_name(r.type) << "\",\"name\":\""
         << record_type_name(r.type) << "\",\"pid\":" << r.domain << ",\"tid\":" << r.vcpu
         << ",\"ts\":" << micros(r.time_ns) << ",\"args\":{\"cpu\":" << r.cpu << ",\"detail\":\""
         << json_escape(describe_payload(r)) << "\"}}";
}

void PerfettoExporter::finish() {
    for (auto& [key, stack] : open_)
        for (const Open& o : stack)
            complete(std::uint16_t(key >> 16), std::uint16_t(key), o, last_ns_, "null");
    open_.clear();
    out_ << "\n]}\n";
}

} // namespace glass::trace
