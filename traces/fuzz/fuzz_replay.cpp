// libFuzzer target for the replay engine: any sequence of event records
// after a valid snapshot (the host scenario's machine) must replay to a
// result or a divergence, never a crash, a hang or memory outside the
// replayed machine, including seeks and divergence explanations. The input
// is decoded into records (type, vCPU, payload) so mutations reach the
// hypercall logic rather than the file's CRCs, which fuzz_reader covers.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "hv/abi/hypercalls.hpp"
#include "traces/chunk.hpp"
#include "traces/reader.hpp"
#include "traces/replay/replay.hpp"
#include "traces/replay/scenario.hpp"
#include "traces/writer.hpp"

using namespace glass;
using namespace glass::trace;

namespace {

// The scenario's snapshot, made once.
const std::vector<std::vector<std::uint8_t>>& snapshot() {
    static std::vector<std::vector<std::uint8_t>> snap = [] {
        std::vector<std::vector<std::uint8_t>> s;
        replay::ScenarioOptions so;
        so.records = 0;
        replay::Scenario sc(so);
        sc.snapshot([&](const RecordHeader& h) {
            auto p = reinterpret_cast<const std::uint8_t*>(&h);
            s.emplace_back(p, p + h.size);
        });
        return s;
    }();
    return snap;
}

constexpr RecordType kTypes[] = {
    RecordType::HypercallEntry, RecordType::HypercallRead,  RecordType::HypercallExit,
    RecordType::HypercallEntry, RecordType::HypercallRead,  RecordType::HypercallExit,
    RecordType::Checkpoint,     RecordType::PageTypeChange, RecordType::LostRecords,
    RecordType::EventSend,
};
constexpr std::uint32_t kCalls[] = {
    xen::HC_mmu_update,       xen::HC_mmuext_op, xen::HC_update_va_mapping,
    xen::HC_event_channel_op, xen::HC_multicall, xen::HC_update_va_mapping_otherdomain,
    xen::HC_xen_version,
};

struct Input {
    const std::uint8_t* p;
    std::size_t n;
    std::uint8_t byte() { return n ? (n--, *p++) : 0; }
    void fill(void* dst, std::size_t len) {
        std::size_t k = len < n ? len : n;
        std::memcpy(dst, p, k);
        std::memset(static_cast<std::uint8_t*>(dst) + k, 0, len - k);
        p += k;
        n -= k;
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto sink = std::make_unique<MemorySink>();
    MemorySink* mem = sink.get();
    WriterOptions wo;
    wo.compress = false;
    wo.records_per_chunk = 16;
    Writer w(std::move(sink), wo);
    for (const auto& r : snapshot())
        if (!w.add_snapshot(*reinterpret_cast<const RecordHeader*>(r.data()))) return 0;

    Input in{data, size};
    std::vector<std::uint64_t> buf(kMaxRecordBytes / 8);
    while (in.n && w.records() < 4096) {
        std::uint8_t sel = in.byte();
        RecordType type = kTypes[sel % (sizeof kTypes / sizeof kTypes[0])];
        std::uint32_t payload = min_record_size(static_cast<std::uint16_t>(type));
        std::uint32_t tail = 0;
        if (type == RecordType::HypercallRead) tail = in.byte() % 4 == 0 ? 4096 : in.byte() % 64;
        std::memset(buf.data(), 0, payload + tail + 8);
        auto* h = reinterpret_cast<RecordHeader*>(buf.data());
        in.fill(reinterpret_cast<std::uint8_t*>(h) + sizeof *h, payload - sizeof *h + tail);
        h->type = static_cast<std::uint16_t>(type);
        h->size = record_size_for(payload + tail);
        h->domain = in.byte() % 3;
        h->vcpu = in.byte() % 3;
        h->flags = in.byte() & 1;
        if (auto* e = reinterpret_cast<HypercallEntry*>(h);
            type != RecordType::HypercallRead &&
            (type == RecordType::HypercallEntry || type == RecordType::HypercallExit))
            e->nr = kCalls[e->nr % (sizeof kCalls / sizeof kCalls[0])];
        if (type == RecordType::HypercallRead) reinterpret_cast<HypercallRead*>(h)->bytes = tail;
        if (!check_record(*h, h->size, ChunkKind::Records).empty()) continue;
        if (!w.append(*h)) return 0;
    }
    if (!w.finish()) return 0;

    replay::ReplayOptions ro;
    ro.checkpoint_interval = 64;
    auto r = replay::Replay::open(std::make_unique<Reader>(std::make_unique<MemorySource>(
                                      mem->bytes().data(), mem->bytes().size())),
                                  ro);
    if (!r.ok()) return 0;
    replay::Replay& rp = **r;
    (void)rp.run_to(rp.record_count());
    if (!rp.divergences().empty()) {
        replay::Divergence d = rp.divergences().front();
        rp.explain(d);
        (void)d.message();
    }
    (void)rp.seek(rp.record_count() / 3);
    (void)rp.seek(rp.record_count() / 2);
    (void)rp.frames();
    (void)rp.domains();
    (void)rp.evtchn(0);
    (void)rp.walk(0x20, 0x1000);
    return 0;
}
