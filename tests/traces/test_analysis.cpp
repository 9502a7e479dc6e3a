// Stats and the Perfetto export pair each hypercall's entry and exit on its
// vCPU, nesting multicall sub-calls, and never invent durations.
#include <catch2/catch.hpp>

#include <sstream>

#include "traces/perfetto.hpp"
#include "traces/stats.hpp"

using namespace glass::trace;

namespace {

template <typename T>
T make(RecordType type, std::uint16_t dom, std::uint16_t vcpu, std::uint64_t ns) {
    T r{};
    r.h.type = static_cast<std::uint16_t>(type);
    r.h.size = sizeof r;
    r.h.domain = dom;
    r.h.vcpu = vcpu;
    r.h.time_ns = ns;
    return r;
}

HypercallEntry entry(std::uint32_t nr, std::uint16_t dom, std::uint16_t vcpu, std::uint64_t ns) {
    auto e = make<HypercallEntry>(RecordType::HypercallEntry, dom, vcpu, ns);
    e.nr = nr;
    return e;
}

HypercallExit exit_(std::uint32_t nr, std::uint16_t dom, std::uint16_t vcpu, std::uint64_t ns,
                    std::int64_t result = 0) {
    auto x = make<HypercallExit>(RecordType::HypercallExit, dom, vcpu, ns);
    x.nr = nr;
    x.result = result;
    return x;
}

} // namespace

TEST_CASE("percentiles are nearest-rank over the recorded latencies") {
    std::vector<std::uint64_t> ns;
    for (std::uint64_t i = 100; i >= 1; i--)
        ns.push_back(i);
    Latency l = summarize(ns);
    CHECK(l.count == 100);
    CHECK(l.p50 == 50);
    CHECK(l.p90 == 90);
    CHECK(l.p99 == 99);
    CHECK(l.max == 100);
    CHECK(l.mean == Approx(50.5));
}

TEST_CASE("latencies pair entry and exit per vCPU, interleaved across vCPUs and nested") {
    StatsBuilder b;
    b.add(entry(1, 0, 0, 1000).h);
    b.add(entry(1, 0, 1, 1100).h);  // same call on another vCPU
    b.add(exit_(1, 0, 1, 1400).h);  // 300
    b.add(exit_(1, 0, 0, 1500).h);  // 500
    b.add(entry(13, 2, 0, 2000).h); // multicall
    b.add(entry(14, 2, 0, 2100).h); //  update_va_mapping inside it
    b.add(exit_(14, 2, 0, 2150).h); //  50
    b.add(exit_(13, 2, 0, 2400).h); // 400
    b.add(exit_(29, 2, 0, 2500).h); // exit with no entry
    b.add(entry(29, 2, 1, 2600).h); // never exits
    TraceStats s = b.finish();
    CHECK(s.records == 10);
    CHECK(s.per_hypercall.at(1).count == 2);
    CHECK(s.per_hypercall.at(1).max == 500);
    CHECK(s.per_hypercall.at(14).max == 50);
    CHECK(s.per_hypercall.at(13).max == 400);
    CHECK(s.per_domain.at(0).count == 2);
    CHECK(s.per_domain.at(2).count == 2);
    CHECK(s.unmatched_exits == 1);
    CHECK(s.open_entries == 1);
    CHECK(s.per_type.at(1) == 5);
}

TEST_CASE("the Perfetto export has a track per vCPU and complete events for hypercalls") {
    std::ostringstream out;
    PerfettoExporter p(out);
    p.add(entry(1, 3, 1, 1'000'500).h);
    p.add(exit_(1, 3, 1, 1'002'750, -22).h);
    auto send = make<EventSend>(RecordType::EventSend, 3, 1, 1'003'000);
    send.port = 5;
    p.add(send.h);
    p.add(entry(29, 3, 1, 1'004'000).h);
    p.finish();
    const std::string json = out.str();
    CHECK(json.rfind("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", 0) == 0);
    CHECK(json.find("\"name\":\"process_name\",\"pid\":3,\"args\":{\"name\":\"domain 3\"}") !=
          std::string::npos);
    CHECK(json.find("\"name\":\"thread_name\",\"pid\":3,\"tid\":1") != std::string::npos);
    CHECK(json.find("\"ph\":\"X\",\"cat\":\"hypercall\",\"name\":\"mmu_update\",\"pid\":3,"
                    "\"tid\":1,\"ts\":1000.500,\"dur\":2.250") != std::string::npos);
    CHECK(json.find("\"result\":-22") != std::string::npos);
    CHECK(json.find("\"ph\":\"i\"") != std::string::npos);
    // The open sched_op is closed at the last record's time, with no result.
    CHECK(json.find("\"name\":\"sched_op\",\"pid\":3,\"tid\":1,\"ts\":1004.000,\"dur\":0.000") !=
          std::string::npos);
    CHECK(json.find("\"result\":null") != std::string::npos);
    CHECK(json.substr(json.size() - 4) == "\n]}\n");
}
