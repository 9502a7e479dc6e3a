#include "introspect/lib/rings.hpp"

#include "introspect/lib/domains.hpp"
#include "introspect/lib/grants.hpp"

#include "guest/blk/connect.hpp"
#include "guest/blk/protocol.hpp"

#include <cstddef>
#include <cstdio>

namespace glass {
namespace {

// Xen's public/io/console.h and xs_wire.h layouts (fixed by the ABI).
constexpr u64 kConsIn = 1024, kConsOut = 2048, kConsIdx = 3072;
constexpr u64 kStoreReq = 1024, kStoreRsp = 1024, kStoreIdx = 2048;

u32 load32(const MachineMemory& m, u64 pa) {
    u32 v = 0;
    (void)m.load(pa, v);
    return v;
}

// Two byte rings: (cons, prod) pairs over the given sizes.
RingSnapshot byte_rings(const MachineMemory& m, const char* kind, const char* found_by, u64 mfn,
                        u32 port, u64 idx, const char* const names[4], const char* const span[2],
                        u32 size_a, u32 size_b) {
    RingSnapshot r;
    r.kind = kind;
    r.found_by = found_by;
    r.mfn = mfn;
    r.event_port = port;
    r.slots = size_a + size_b;
    u64 pa = (mfn << kPageShift) + idx;
    u32 v[4];
    for (unsigned i = 0; i < 4; i++) {
        v[i] = load32(m, pa + 4 * i);
        r.indices.emplace_back(names[i], v[i]);
    }
    r.spans = {{span[0], size_a, 0, 1, {}}, {span[1], size_b, 2, 3, {}}};
    u32 a = v[1] - v[0], b = v[3] - v[2];
    r.outstanding = a + b;
    if (a > size_a || b > size_b) r.problem = "producer more than a ring ahead of the consumer";
    return r;
}

const char* op_name(u8 op, char* buf) {
    switch (op) {
    case blk::OP_READ:
        return "read";
    case blk::OP_WRITE:
        return "write";
    case blk::OP_BARRIER:
        return "barrier";
    case blk::OP_FLUSH:
        return "flush";
    }
    std::snprintf(buf, 8, "%u", op);
    return buf;
}

const char* announce_state(u32 s) {
    switch (s) {
    case guest::blk::kInitialised:
        return "initialised";
    case guest::blk::kConnected:
        return "connected";
    case guest::blk::kRefused:
        return "refused";
    }
    return "empty";
}

RingSnapshot blk_ring(const MachineMemory& m, u64 mfn, u32 ring_ref, u32 port, u32 state) {
    using Shared = blk::SharedRing;
    RingSnapshot r;
    r.kind = "blkif";
    r.found_by = "grant " + std::to_string(ring_ref) + " (announced in the store page)";
    r.mfn = mfn;
    r.event_port = port;
    r.state = announce_state(state);
    r.slots = Shared::kSlots;
    u64 pa = mfn << kPageShift;
    u32 req_prod = load32(m, pa + offsetof(Shared, req_prod));
    u32 rsp_prod = load32(m, pa + offsetof(Shared, rsp_prod));
    r.indices = {{"req_prod", req_prod},
                 {"req_event", load32(m, pa + offsetof(Shared, req_event))},
                 {"rsp_prod", rsp_prod},
                 {"rsp_event", load32(m, pa + offsetof(Shared, rsp_event))}};
    r.spans = {{"requests", Shared::kSlots, 2, 0, {1, 3}}};
    r.outstanding = req_prod - rsp_prod;
    if (r.outstanding > Shared::kSlots) {
        r.problem = "more requests outstanding than slots";
        return r;
    }
    for (u32 i = rsp_prod; i != req_prod; i++) {
        u32 slot = i & (Shared::kSlots - 1);
        blk::Request q{};
        if (!m.read(pa + offsetof(Shared, slots) + slot * sizeof(Shared::Slot), &q, sizeof q))
            break;
        char buf[8];
        // A backend writes its response into the request's slot before it
        // publishes rsp_prod: a slot holding no request the protocol allows
        // is most likely answered already, its response not yet pushed.
        bool request = q.operation <= blk::OP_FLUSH && q.nr_segments <= blk::kMaxSegments;
        r.requests.push_back(
            {i, slot, request ? op_name(q.operation, buf) : "answered (response not yet published)",
             q.id, q.sector_number, q.nr_segments});
    }
    return r;
}

} // namespace

Outcome<RingsSnapshot> read_rings(const Target& t, u16 domid) {
    using R = Outcome<RingsSnapshot>;
    auto doms = read_domains(t);
    if (!doms.ok()) return R::failure(doms.error());
    const DomainSnapshot* d = doms->find(domid);
    if (!d) return R::failure("no such domain " + std::to_string(domid));
    const MachineMemory& m = t.memory();
    RingsSnapshot s;
    s.domid = domid;
    s.stamp = doms->stamp;
    static const char* const kCons[4] = {"in_cons", "in_prod", "out_cons", "out_prod"};
    static const char* const kStore[4] = {"req_cons", "req_prod", "rsp_cons", "rsp_prod"};
    static const char *const kConsSpans[2] = {"in", "out"}, *const kStoreSpans[2] = {"req", "rsp"};
    if (d->console_mfn)
        s.rings.push_back(byte_rings(m, "console", "Domain.console_mfn", d->console_mfn,
                                     d->console_port, kConsIdx, kCons, kConsSpans, kConsIn,
                                     kConsOut));
    if (!d->store_mfn) return s;
    guest::blk::Announce a{};
    bool announced =
        m.read(d->store_mfn << kPageShift, &a, sizeof a) && a.magic == guest::blk::kAnnounceMagic;
    if (!announced) {
        s.rings.push_back(byte_rings(m, "store", "Domain.store_mfn", d->store_mfn, d->store_port,
                                     kStoreIdx, kStore, kStoreSpans, kStoreReq, kStoreRsp));
        return s;
    }
    // The store page is a block frontend's mailbox: follow its ring grant.
    RingSnapshot store;
    store.kind = "store";
    store.found_by = "Domain.store_mfn";
    store.mfn = d->store_mfn;
    store.event_port = d->store_port;
    store.state = std::string("blk announce: ") + announce_state(a.state);
    s.rings.push_back(store);
    auto grants = read_grants(t, domid);
    const GrantEntrySnapshot* g = grants.ok() ? grants->find(a.ring_ref) : nullptr;
    if (!g) {
        RingSnapshot r;
        r.kind = "blkif";
        r.found_by = "grant " + std::to_string(a.ring_ref) + " (announced in the store page)";
        r.problem = "the announced grant is not in the domain's grant table";
        s.rings.push_back(r);
        return s;
    }
    s.rings.push_back(
        blk_ring(m, g->active ? g->active_mfn : g->frame, a.ring_ref, a.event_port, a.state));
    return s;
}

} // namespace glass
