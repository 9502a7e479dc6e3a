// Random access: the state at any record is the same whether reached by
// replaying straight there or by seeking around, and it comes out in the
// introspect library's snapshot types.
#include "replay_fixture.hpp"

#include "hv/core/trace/state_hash.hpp"

#include <random>

using namespace replay_test;

namespace {

struct Fingerprint {
    std::vector<mm::FrameInfo> frames;
    std::vector<std::vector<PortSnapshot>> ports;
    std::vector<u64> l4;
    bool operator==(const Fingerprint& o) const {
        if (frames.size() != o.frames.size() || ports.size() != o.ports.size() || l4 != o.l4)
            return false;
        for (size_t i = 0; i < frames.size(); i++)
            if (std::memcmp(&frames[i], &o.frames[i], sizeof frames[i])) return false;
        for (size_t d = 0; d < ports.size(); d++) {
            if (ports[d].size() != o.ports[d].size()) return false;
            for (size_t p = 0; p < ports[d].size(); p++)
                if (ports[d][p].port != o.ports[d][p].port ||
                    ports[d][p].state != o.ports[d][p].state ||
                    ports[d][p].remote_port != o.ports[d][p].remote_port)
                    return false;
        }
        return true;
    }
};

Fingerprint fingerprint(const Replay& r) {
    Fingerprint f;
    f.frames = r.frames().frames;
    for (const DomainSnapshot& d : r.domains().domains) {
        auto ev = r.evtchn(d.id);
        REQUIRE(ev.ok());
        f.ports.push_back(ev->ports);
        for (const VcpuSnapshot& v : d.vcpus)
            f.l4.push_back(v.kernel_l4_mfn);
    }
    return f;
}

} // namespace

TEST_CASE("replay: seeking anywhere gives the state straight replay gives", "[replay]") {
    ScenarioOptions so;
    so.records = 30000;
    so.checkpoint_every = 700;
    auto bytes = scenario_bytes(so);
    ReplayOptions ro;
    ro.checkpoint_interval = 2000;
    auto seeker = open_replay(bytes, ro);
    REQUIRE(seeker->replay->run_to(~0ull).ok()); // passes every checkpoint once
    std::mt19937_64 rng(42);
    std::vector<u64> points = {0, 1, 1999, 2000, 2001, 29999, seeker->replay->record_count()};
    for (int i = 0; i < 12; i++)
        points.push_back(rng() % (seeker->replay->record_count() + 1));
    for (u64 n : points) {
        INFO("record " << n);
        REQUIRE(seeker->replay->seek(n).ok());
        CHECK(seeker->replay->position() == n);
        auto straight = open_replay(bytes, ro);
        REQUIRE(straight->replay->run_to(n).ok());
        CHECK(fingerprint(*seeker->replay) == fingerprint(*straight->replay));
        CHECK(seeker->replay->stats().results_matched == straight->replay->stats().results_matched);
    }
    CHECK(seeker->replay->divergences().empty());
    CHECK(seeker->replay->seek(seeker->replay->record_count() + 1).error().message.find("beyond") !=
          std::string::npos);
}

TEST_CASE("replay: the replayed state reads like live state", "[replay]") {
    ScenarioOptions so;
    so.records = 8000;
    auto t = open_replay(scenario_bytes(so));
    Replay& r = *t->replay;
    REQUIRE(r.seek(5000).ok());
    FrameSnapshot fs = r.frames();
    CHECK(fs.stamp.consistent);
    DomainsSnapshot ds = r.domains();
    REQUIRE(ds.domains.size() == 2);
    CHECK(ds.domains[0].privileged);
    CHECK_FALSE(ds.domains[1].privileged);
    for (const DomainSnapshot& d : ds.domains) {
        for (const VcpuSnapshot& v : d.vcpus) {
            // Every vCPU runs on an L4 the frame table has as a pinned L4.
            REQUIRE(v.kernel_l4_mfn < fs.frames.size());
            CHECK(classify(fs.frames[v.kernel_l4_mfn]) == FrameClass::L4);
            // A walk through it works like on a live machine: VA 0 is in the
            // first L1 the scenario hooks, so the walk reaches L1 level.
            auto w = r.walk(v.kernel_l4_mfn, 0x1000);
            REQUIRE(w.ok());
            REQUIRE(w->steps.size() >= 3);
            CHECK(w->steps[0].table_mfn == v.kernel_l4_mfn);
        }
        auto ev = r.evtchn(d.id);
        REQUIRE(ev.ok());
        CHECK(ev->ports.front().port == 0);
        CHECK(ev->ports.front().state == "Reserved");
    }
    // Counting by class works on the replayed table as on a live one.
    FrameCounts c = count_frames(fs);
    CHECK(c.total == fs.frames.size());
    CHECK(c.by_class[static_cast<unsigned>(FrameClass::L4)] == 2);
    CHECK_FALSE(r.evtchn(9).ok());
    // The hashes of the replayed state are the core's.
    (void)::trace::kHashSeed;
}
