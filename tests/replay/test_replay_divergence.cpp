// Changing one recorded value in a copy of a trace: replay reports the
// divergence at that record, with the expected and actual results and the
// frame concerned.
#include "replay_fixture.hpp"

#include "hv/abi/errno.hpp"
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"
#include "traces/record.hpp"

using namespace replay_test;

namespace {

ScenarioOptions options() {
    ScenarioOptions so;
    so.records = 20000;
    so.checkpoint_every = 500;
    so.seed = 3;
    return so;
}

bool is_entry(const RecordHeader& r, u32 nr, u64 after) {
    (void)after;
    auto e = trace::record_as<trace::HypercallEntry>(&r, trace::RecordType::HypercallEntry);
    return e && e->nr == nr && !(r.flags & trace::kHypercallInMulticall);
}

Divergence first_divergence(std::vector<u8> bytes) {
    auto t = open_replay(std::move(bytes));
    REQUIRE(t->replay);
    REQUIRE(t->replay->run_to(~0ull, true).ok());
    REQUIRE_FALSE(t->replay->divergences().empty());
    Divergence d = t->replay->divergences().front();
    t->replay->explain(d);
    INFO(d.message());
    return d;
}

} // namespace

TEST_CASE("replay: one flipped argument byte diverges at that record", "[replay]") {
    auto bytes = scenario_bytes(options());
    // An mmu_update well inside the trace: flip the low byte of its request
    // pointer (args[0]).
    u64 count = 0;
    u64 target = find_record(bytes, [&](const RecordHeader& r) {
        return is_entry(r, xen::HC_mmu_update, 0) && ++count == 300;
    });
    auto flipped = rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
        if (i == target) rec[offsetof(trace::HypercallEntry, args)] ^= 0x01;
    });
    Divergence d = first_divergence(flipped);
    CHECK(d.call_record == target);
    CHECK(d.nr == xen::HC_mmu_update);
    CHECK(d.kind == DivergenceKind::GuestRead);
    CHECK(d.detail.find("recorded 16 at") != std::string::npos);
    CHECK(d.message().find("entered at record " + std::to_string(target)) != std::string::npos);
    // The unchanged trace has no divergence at all.
    auto clean = open_replay(bytes);
    REQUIRE(clean->replay->run_to(~0ull).ok());
    CHECK(clean->replay->divergences().empty());
}

TEST_CASE("replay: a changed request in the guest memory read names its frame", "[replay]") {
    auto bytes = scenario_bytes(options());
    // An mmuext_op pin: make the read request name the domain's L4 (frame
    // 0x20, already an L4) as an L1 to pin: the hypervisor refuses that.
    u64 count = 0;
    u64 entry = find_record(bytes, [&](const RecordHeader& r) {
        return is_entry(r, xen::HC_mmuext_op, 0) && r.domain == 0 && ++count == 5;
    });
    u64 read = entry + 1;
    u64 pinned = 0;
    auto changed = rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
        if (i != read) return;
        auto* rd = reinterpret_cast<trace::HypercallRead*>(rec.data());
        REQUIRE(rd->h.type == static_cast<u16>(trace::RecordType::HypercallRead));
        auto* op = reinterpret_cast<xen::MmuextOp*>(rd + 1);
        pinned = op->cmd;
        op->cmd = xen::MMUEXT_PIN_L1_TABLE;
        op->arg1 = 0x20;
    });
    // The refused pin ends the batch: the result differs, and the batch's
    // later request is a recorded read the replay never made.
    auto t = open_replay(changed);
    REQUIRE(t->replay->run_to(~0ull, true).ok());
    std::optional<Divergence> result;
    for (const Divergence& x : t->replay->divergences()) {
        INFO(x.message());
        CHECK(x.call_record == entry);
        if (x.kind == DivergenceKind::Result) result = x;
    }
    REQUIRE(result);
    Divergence d = *result;
    t->replay->explain(d);
    INFO(d.message());
    CHECK(d.actual_result == -XEN_EINVAL);
    CHECK(d.expected_result != d.actual_result);
    REQUIRE(d.frame);
    CHECK(*d.frame == 0x20);
    CHECK(d.message().find("frame 0x20") != std::string::npos);
    (void)pinned;
}

TEST_CASE("replay: a changed recorded result is a result divergence", "[replay]") {
    auto bytes = scenario_bytes(options());
    u64 count = 0;
    u64 exit = find_record(bytes, [&](const RecordHeader& r) {
        auto x = trace::record_as<trace::HypercallExit>(&r, trace::RecordType::HypercallExit);
        return x && x->nr == xen::HC_update_va_mapping && x->result == 0 && ++count == 40;
    });
    auto changed = rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
        if (i == exit) reinterpret_cast<trace::HypercallExit*>(rec.data())->result = -XEN_EBUSY;
    });
    Divergence d = first_divergence(changed);
    CHECK(d.kind == DivergenceKind::Result);
    CHECK(d.record == exit);
    CHECK(d.expected_result == -XEN_EBUSY);
    CHECK(d.actual_result == 0);
    // The call changed one L1 entry: that L1 is the frame named.
    CHECK(d.frame.has_value());
}

TEST_CASE("replay: a changed checkpoint hash is a checkpoint divergence", "[replay]") {
    auto bytes = scenario_bytes(options());
    u64 count = 0;
    u64 cp = find_record(bytes, [&](const RecordHeader& r) {
        return r.type == static_cast<u16>(trace::RecordType::Checkpoint) && ++count == 7;
    });
    auto changed = rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
        if (i == cp) reinterpret_cast<trace::Checkpoint*>(rec.data())->evtchn_hash ^= 1;
    });
    Divergence d = first_divergence(changed);
    CHECK(d.kind == DivergenceKind::Checkpoint);
    CHECK(d.record == cp);
    CHECK(d.detail.find("event-channel hash") != std::string::npos);
    CHECK(d.expected_hash[0] == d.actual_hash[0]);
    CHECK(d.expected_hash[1] != d.actual_hash[1]);
}

TEST_CASE("replay: a state change the trace does not show is found at the next checkpoint",
          "[replay]") {
    // Drop a successful pin from the copy (its records become a type replay
    // skips): the frame then lacks the pin's references, which the next
    // checkpoint (or a later unpin's result) shows.
    auto bytes = scenario_bytes(options());
    u64 entry = 0;
    {
        trace::Reader in(std::make_unique<trace::MemorySource>(bytes.data(), bytes.size()));
        REQUIRE(in.open().ok());
        trace::Cursor c(in, 0);
        u64 open_entry = 0, found = 0;
        bool pin = false;
        while (const RecordHeader* r = c.next()) {
            if (auto e =
                    trace::record_as<trace::HypercallEntry>(r, trace::RecordType::HypercallEntry)) {
                open_entry = c.index();
                pin = false;
                if (e->nr != xen::HC_mmuext_op) open_entry = 0;
            } else if (auto rd = trace::record_as<trace::HypercallRead>(
                           r, trace::RecordType::HypercallRead)) {
                auto op = reinterpret_cast<const xen::MmuextOp*>(rd + 1);
                if (open_entry && c.index() == open_entry + 1)
                    pin = op->cmd == xen::MMUEXT_PIN_L1_TABLE;
            } else if (auto x = trace::record_as<trace::HypercallExit>(
                           r, trace::RecordType::HypercallExit)) {
                if (open_entry && pin && x->result == 0 && ++found == 10) {
                    entry = open_entry;
                    break;
                }
                open_entry = 0;
            }
        }
        REQUIRE(entry != 0);
    }
    bool in_call = false;
    auto changed = rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
        auto* h = reinterpret_cast<RecordHeader*>(rec.data());
        if (i == entry) in_call = true;
        if (!in_call) return;
        bool exit = h->type == static_cast<u16>(trace::RecordType::HypercallExit);
        h->type = 0x7F00; // unknown type: readers skip it
        if (exit) in_call = false;
    });
    auto t = open_replay(changed);
    REQUIRE(t->replay->run_to(~0ull, true).ok());
    REQUIRE_FALSE(t->replay->divergences().empty());
    Divergence d = t->replay->divergences().front();
    INFO(d.message());
    // Either a later call fails differently or the next checkpoint catches it.
    CHECK(d.record > entry);
    CHECK((d.kind == DivergenceKind::Checkpoint || d.kind == DivergenceKind::Result));
    t->replay->explain(d);
    CHECK(d.frame.has_value());
}

TEST_CASE("replay: a recorded page-type change that did not happen names its frame", "[replay]") {
    auto bytes = scenario_bytes(options());
    u64 count = 0;
    u64 target = find_record(bytes, [&](const RecordHeader& r) {
        auto p = trace::record_as<trace::PageTypeChange>(&r, trace::RecordType::PageTypeChange);
        return p && p->new_type == static_cast<u8>(mm::FrameType::L1) && ++count == 20;
    });
    u64 mfn = 0;
    auto changed = rewrite(bytes, [&](u64 i, std::vector<u8>& rec) {
        if (i != target) return;
        auto* p = reinterpret_cast<trace::PageTypeChange*>(rec.data());
        mfn = p->mfn;
        p->new_type = static_cast<u8>(mm::FrameType::L2);
    });
    Divergence d = first_divergence(changed);
    CHECK(d.kind == DivergenceKind::PageType);
    CHECK(d.record > target); // shown at the call's exit
    REQUIRE(d.frame);
    CHECK(*d.frame == mfn);
    CHECK(d.detail.find("recorded type 2") != std::string::npos);
}
