#include "guest/blk/frontend.hpp"

#include "guest/blk/connect.hpp"
#include "guest/blk/protocol.hpp"
#include "guest/blk/pv.hpp"
#include "guest/clock.hpp"
#include "guest/console.hpp"
#include "hv/abi/grant_table.hpp"
#include "hv/abi/layout.hpp"

namespace guest::blk {
namespace {

using ::blk::Request;
using ::blk::Response;

constexpr u32 kDataPages = 16;
constexpr u32 kSectorsPerBlock = ::blk::kSectorsPerPage;
constexpr u64 kTimeoutNs = 5'000'000'000ull;

alignas(4096) u8 g_gnttab_window[kPageSize];
alignas(4096) u8 g_store_window[kPageSize];
alignas(4096)::blk::SharedRing g_ring;
alignas(4096) u8 g_data[kDataPages][kPageSize];
static_assert(sizeof(::blk::SharedRing) <= kPageSize);

struct Conn {
    ::blk::FrontRing ring;
    u32 port = 0;
    u64 disk_sectors = 0;
    u64 next_id = 1;
    Response done[::blk::SharedRing::kSlots]; // responses of the current batch
    u32 ndone = 0;
    u32 next_seq = 0;          // Response::seq expected next
    bool seq_reported = false; // one report per run
};
Conn g_conn;

xen::GrantEntryV1* grants() {
    return reinterpret_cast<xen::GrantEntryV1*>(g_gnttab_window);
}

// Grants `page` to domain 0: frame and domid before flags, which make the
// entry valid (Xen's rule: the hypervisor may read it at any moment).
void grant_frame(u32 ref, u64 mfn) {
    xen::GrantEntryV1& e = grants()[ref];
    e.domid = 0;
    e.frame = static_cast<u32>(mfn);
    __atomic_store_n(&e.flags, xen::GTF_permit_access, __ATOMIC_RELEASE);
}
void grant(u32 ref, const void* page) {
    grant_frame(ref, mfn_of(page));
}

bool fail(const char* what, long rc) {
    printk("Glasshouse blk: FAILED: %s (%ld)\n", what, rc);
    return false;
}

bool setup(const xen::StartInfo& si) {
    pv_init(si);
    u64 frame = 0;
    xen::GnttabSetupTable st{xen::DOMID_SELF, 0, 1, 0, {}, reinterpret_cast<u64>(&frame)};
    long rc = grant_table_op(xen::GNTTABOP_setup_table, &st, 1);
    if (rc || st.status) return fail("grant table setup_table", rc ? rc : st.status);
    if ((rc = map_frame_at(g_gnttab_window, frame))) return fail("mapping the grant table", rc);
    if ((rc = map_frame_at(g_store_window, si.store_mfn))) return fail("mapping store page", rc);

    g_ring.init();
    g_conn.ring.attach(&g_ring);
    grant(kGrefRing, &g_ring);
    for (u32 i = 0; i < kDataPages; i++)
        grant(kGrefData + i, g_data[i]);
    long port = alloc_unbound_for(0);
    if (port < 0) return fail("alloc_unbound", port);
    g_conn.port = static_cast<u32>(port);

    auto* a = reinterpret_cast<volatile Announce*>(g_store_window);
    a->ring_ref = kGrefRing;
    a->event_port = g_conn.port;
    a->disk_sectors = 0;
    a->magic = kAnnounceMagic;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    a->state = kInitialised;
    grant_frame(kGrefStore, si.store_mfn); // the window's own frame is not it
    notify(si.store_evtchn);

    u32 store = si.store_evtchn;
    u64 deadline = system_time_ns() + kTimeoutNs;
    while (a->state == kInitialised)
        if (wait_any(&store, 1, deadline) < 0) return fail("no answer from the backend", 0);
    if (a->state != kConnected) return fail("backend refused the connection", a->state);
    g_conn.disk_sectors = a->disk_sectors;
    printk("Glasshouse blk: connected: ring ref %u, port %u, disk %lu sectors\n", kGrefRing,
           g_conn.port, g_conn.disk_sectors);
    return true;
}

// Queues a one-segment request on data page `page`; returns its id.
u64 queue(u8 op, u64 sector, u32 page, u8 first = 0, u8 last = kSectorsPerBlock - 1) {
    Request& r = g_conn.ring.next_request();
    r = {};
    r.operation = op;
    r.id = g_conn.next_id++;
    r.sector_number = sector;
    r.nr_segments = op == ::blk::OP_FLUSH ? 0 : 1;
    r.seg[0] = {kGrefData + page, first, last, 0};
    return r.id;
}

// Responses must come off the ring in the backend's order (Response::seq).
// Two swapped ones are reported once; they are matched by id, so nothing
// is lost.
void take_response(const Response& rsp) {
    g_conn.done[g_conn.ndone++] = rsp;
    u32 expected = g_conn.next_seq;
    g_conn.next_seq = rsp.seq + 1 > expected ? rsp.seq + 1 : expected;
    if (rsp.seq == expected || g_conn.seq_reported) return;
    g_conn.seq_reported = true;
    printk("Glasshouse blk: observed responses out of ring order: completion %u came where %u "
           "was due (request %lu): matched by id, nothing lost (recovered)\n",
           rsp.seq, expected, rsp.id);
}

// Publishes the queued requests and collects `count` responses into
// g_conn.done. False on timeout.
bool submit_and_wait(u32 count) {
    if (g_conn.ring.push_requests()) notify(g_conn.port);
    g_conn.ndone = 0;
    u64 deadline = system_time_ns() + kTimeoutNs;
    while (g_conn.ndone < count) {
        while (g_conn.ring.has_responses() && g_conn.ndone < count)
            take_response(g_conn.ring.next_response());
        if (g_conn.ndone == count) break;
        if (g_conn.ring.final_check_for_responses()) continue;
        if (wait_any(&g_conn.port, 1, deadline) < 0) return false;
    }
    return true;
}

const Response* response(u64 id) {
    for (u32 i = 0; i < g_conn.ndone; i++)
        if (g_conn.done[i].id == id) return &g_conn.done[i];
    return nullptr;
}

u64 pattern(u32 block, u32 generation, u32 word) {
    return (u64{block} << 40) ^ (u64{generation} << 32) ^ (word * 0x9e3779b97f4a7c15ull);
}
void fill(u32 page, u32 block, u32 generation) {
    auto* w = reinterpret_cast<u64*>(g_data[page]);
    for (u32 i = 0; i < kPageSize / 8; i++)
        w[i] = pattern(block, generation, i);
}
bool check(u32 page, u32 block, u32 generation) {
    const auto* w = reinterpret_cast<const u64*>(g_data[page]);
    for (u32 i = 0; i < kPageSize / 8; i++)
        if (w[i] != pattern(block, generation, i)) return false;
    return true;
}

// A request answered with an error is retried once before giving up.
bool retry(u8 op, u32 block, u32 page) {
    u64 id = queue(op, u64{block} * kSectorsPerBlock, page);
    if (!submit_and_wait(1) || g_conn.done[0].status != ::blk::RSP_OKAY) return false;
    printk("Glasshouse blk: request %lu (block %u) retried: ok (recovered)\n", id, block);
    return true;
}

// Runs one request per block in batches of kDataPages, all OKAY or false.
bool pass(u8 op, u32 blocks, const u32* gens, bool verify) {
    for (u32 base = 0; base < blocks; base += kDataPages) {
        u32 n = blocks - base < kDataPages ? blocks - base : kDataPages;
        u64 first = g_conn.next_id;
        for (u32 i = 0; i < n; i++) {
            if (op == ::blk::OP_WRITE) fill(i, base + i, gens[base + i]);
            queue(op, u64{base + i} * kSectorsPerBlock, i);
        }
        if (!submit_and_wait(n)) return fail("timeout waiting for the backend", base);
        Response done[::blk::SharedRing::kSlots];
        for (u32 i = 0; i < n; i++)
            done[i] = g_conn.done[i];
        for (u32 i = 0; i < n; i++) {
            if (done[i].status == ::blk::RSP_OKAY) continue;
            u64 page = done[i].id - first;
            if (page >= n)
                return fail("response with an unknown id", static_cast<long>(done[i].id));
            printk("Glasshouse blk: observed status %d for request %lu: retrying it\n",
                   done[i].status, done[i].id);
            if (!retry(op, base + static_cast<u32>(page), static_cast<u32>(page)))
                return fail("I/O error on request", static_cast<long>(done[i].id));
        }
        for (u32 i = 0; verify && i < n; i++)
            if (!check(i, base + i, gens[base + i])) return fail("data mismatch, block", base + i);
    }
    return true;
}

// Where the response to `id` arrived in the batch (g_conn.done order).
u32 arrival(u64 id) {
    for (u32 i = 0; i < g_conn.ndone; i++)
        if (g_conn.done[i].id == id) return i;
    return ~0u;
}

// The ordering the protocol promises (protocol.hpp): a barrier is answered
// after every request ahead of it and before every request behind it; a
// flush after every write ahead of it. Ids first..last were submitted in
// order, three per block (write, barrier, read), then the flush. Reports the first
// violation: responses reordered after the backend completed them (the
// data checks then tell whether the work itself was ordered).
bool ordering_kept(u64 first, u64 last, const u64* barriers, u32 nbarriers, u64 flush_id) {
    for (u32 k = 0; k < nbarriers; k++) {
        u32 at = arrival(barriers[k]);
        for (u64 id = first; id <= last; id++) {
            if (id == barriers[k]) continue;
            u32 other = arrival(id);
            bool ahead = id < barriers[k];
            if (ahead ? other < at : other > at) continue;
            printk("Glasshouse blk: observed ordering violation: request %lu answered %s barrier "
                   "%lu %s it\n",
                   id, ahead ? "after" : "before", barriers[k], ahead ? "behind" : "ahead of");
            return false;
        }
    }
    u32 at = arrival(flush_id);
    for (u64 id = first; id < flush_id; id++) {
        if ((id - first) % 3 == 2 || arrival(id) < at) continue; // reads may pass a flush
        printk("Glasshouse blk: observed ordering violation: flush %lu answered before request %lu "
               "ahead of it\n",
               flush_id, id);
        return false;
    }
    return true;
}

// In one batch per block: write gen A, barrier-write gen B, read. Without
// the barrier the backend may run the read before either write; with it the
// read must see B. Five blocks at a time (three pages each, plus a flush).
// Not inlined: a symbol tools can stop at (rip= injection triggers).
__attribute__((noinline)) bool barrier_checks(u32 blocks, u32* gens, u32& checked) {
    constexpr u32 kPerBatch = kDataPages / 3;
    for (u32 base = 0; base < blocks; base += kPerBatch) {
        u32 n = blocks - base < kPerBatch ? blocks - base : kPerBatch;
        u64 read_ids[kPerBatch];
        u64 barrier_ids[kPerBatch];
        u64 first = g_conn.next_id;
        for (u32 i = 0; i < n; i++) {
            u32 b = base + i;
            u64 sector = u64{b} * kSectorsPerBlock;
            fill(3 * i, b, gens[b] + 1);
            fill(3 * i + 1, b, gens[b] + 2);
            queue(::blk::OP_WRITE, sector, 3 * i);
            barrier_ids[i] = queue(::blk::OP_BARRIER, sector, 3 * i + 1);
            read_ids[i] = queue(::blk::OP_READ, sector, 3 * i + 2);
            gens[b] += 2;
        }
        u64 flush_id = queue(::blk::OP_FLUSH, 0, 0);
        if (!submit_and_wait(3 * n + 1)) return fail("timeout in the barrier phase", base);
        for (u32 i = 0; i < g_conn.ndone; i++)
            if (g_conn.done[i].status != ::blk::RSP_OKAY)
                return fail("barrier phase I/O error on request",
                            static_cast<long>(g_conn.done[i].id));
        // The flush came last in the ring but may complete first: only
        // after every write ahead of it.
        if (!response(flush_id)) return fail("flush lost", 0);
        bool ordered = ordering_kept(first, flush_id, barrier_ids, n, flush_id);
        for (u32 i = 0; i < n; i++) {
            if (!response(read_ids[i])) return fail("read lost", base + i);
            if (!check(3 * i + 2, base + i, gens[base + i]))
                return fail("read passed a barrier: stale data in block", base + i);
            checked++;
        }
        if (!ordered)
            printk("Glasshouse blk: data behind the barriers is still right: only the responses "
                   "were reordered, matched by id (recovered)\n");
    }
    return true;
}

// Each must be answered with an error, and the ring must keep working.
bool malformed_checks(u32& refused) {
    u64 past_end = queue(::blk::OP_READ, g_conn.disk_sectors - 4, 0);
    u64 bad_gref = queue(::blk::OP_WRITE, 0, 0);
    g_conn.ring.sring->slots[(g_conn.ring.req_prod_pvt - 1) % ::blk::SharedRing::kSlots]
        .req.seg[0]
        .gref = 4000;
    u64 bad_op = queue(77, 0, 0);
    u64 bad_sect = queue(::blk::OP_READ, 0, 0, 6, 9);
    u64 ids[] = {past_end, bad_gref, bad_op, bad_sect};
    if (!submit_and_wait(4)) return fail("timeout on malformed requests", 0);
    for (u64 id : ids) {
        const Response* r = response(id);
        if (r && r->status != ::blk::RSP_OKAY) refused++;
    }
    return refused == 4 ? true : fail("malformed requests accepted", 4 - refused);
}

bool workload(u32 blocks) {
    u64 max_blocks = g_conn.disk_sectors / kSectorsPerBlock;
    if (blocks > max_blocks) blocks = static_cast<u32>(max_blocks);
    static u32 gens[4096];
    if (blocks > 4096) blocks = 4096;
    for (u32 b = 0; b < blocks; b++)
        gens[b] = 1;
    if (!pass(::blk::OP_WRITE, blocks, gens, false)) return false;
    printk("Glasshouse blk: wrote %u blocks\n", blocks);
    u32 checked = 0;
    u32 barrier_blocks = blocks < 40 ? blocks : 40;
    if (!barrier_checks(barrier_blocks, gens, checked)) return false;
    printk("Glasshouse blk: barriers: %u reads after write+barrier saw the barrier's data, "
           "flushes ok\n",
           checked);
    if (!pass(::blk::OP_READ, blocks, gens, true)) return false;
    printk("Glasshouse blk: read back %u blocks, all match\n", blocks);
    u32 refused = 0;
    if (!malformed_checks(refused)) return false;
    printk("Glasshouse blk: malformed requests refused (%u/4), ring still usable\n", refused);
    if (!pass(::blk::OP_READ, blocks < 16 ? blocks : 16, gens, true)) return false;
    printk("Glasshouse blk: verified %u blocks\n", blocks);
    return true;
}

// Rewrites and verifies every block `rounds` times, each with a new pattern.
bool soak(u32 blocks, u32 rounds) {
    u64 max_blocks = g_conn.disk_sectors / kSectorsPerBlock;
    if (blocks > max_blocks) blocks = static_cast<u32>(max_blocks);
    static u32 gens[4096];
    if (blocks > 4096) blocks = 4096;
    for (u32 r = 0; r < rounds; r++) {
        for (u32 b = 0; b < blocks; b++)
            gens[b] = 100 + r;
        if (!pass(::blk::OP_WRITE, blocks, gens, false)) return false;
        if (!pass(::blk::OP_READ, blocks, gens, true)) return false;
    }
    printk("Glasshouse blk: soak: %u rounds of %u blocks written and verified\n", rounds, blocks);
    return true;
}

// Round trips one at a time, then a full ring of one-page requests.
bool bench(u32 reqs) {
    u64 t0 = system_time_ns();
    for (u32 i = 0; i < reqs; i++) {
        queue(::blk::OP_READ, u64{i % 64} * kSectorsPerBlock, 0);
        if (!submit_and_wait(1)) return fail("bench: timeout", i);
    }
    u64 rtt = (system_time_ns() - t0) / reqs;
    printk("Glasshouse blk: bench: round-trip latency %lu us (%u requests, one at a time)\n",
           rtt / 1000, reqs);
    const u8 ops[] = {::blk::OP_READ, ::blk::OP_WRITE};
    for (u8 op : ops) {
        u64 start = system_time_ns();
        for (u32 done = 0; done < reqs; done += kDataPages) {
            for (u32 i = 0; i < kDataPages; i++)
                queue(op, u64{(done + i) % 128} * kSectorsPerBlock, i);
            if (!submit_and_wait(kDataPages)) return fail("bench: timeout", done);
        }
        u64 ns = system_time_ns() - start;
        u64 n = (reqs + kDataPages - 1) / kDataPages * kDataPages;
        u64 per_s = n * 1000000000ull / (ns ? ns : 1);
        u64 kb_s = n * 4 * 1000000000ull / (ns ? ns : 1);
        printk("Glasshouse blk: bench: %s %lu requests/s, %lu.%02lu MiB/s (4 KiB each, %u in "
               "flight)\n",
               op == ::blk::OP_READ ? "read" : "write", per_s, kb_s / 1024,
               kb_s % 1024 * 100 / 1024, kDataPages);
    }
    return true;
}

} // namespace

bool run_blk_frontend(const xen::StartInfo& si, const FrontendOptions& options) {
    if (si.flags & xen::SIF_INITDOMAIN) return fail("blk= is for domUs", 0);
    if (!setup(si)) return false;
    if (options.blocks && !workload(options.blocks)) return false;
    if (options.blocks && options.soak_rounds && !soak(options.blocks, options.soak_rounds))
        return false;
    if (options.bench_reqs && !bench(options.bench_reqs)) return false;
    return true;
}

} // namespace guest::blk
