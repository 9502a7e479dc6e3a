#include "guest/blk/backend.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/blk/backend_core.hpp"
#include "guest/blk/connect.hpp"
#include "guest/blk/pv.hpp"
#include "guest/console.hpp"
#include "hv/abi/grant_table.hpp"
#include "hv/abi/layout.hpp"

namespace guest::blk {
namespace {

using ::blk::BackendCore;
using ::blk::Chunk;
using ::blk::DiskIo;

constexpr u32 kMaxFrontends = 4;
constexpr u64 kDiskBytes = 4ull << 20;
constexpr u64 kPartBytes = kDiskBytes / kMaxFrontends;

alignas(4096) u8 g_disk[kDiskBytes];
// Where the frontends' store and ring pages are mapped (grant mappings
// replace these pages' entries).
alignas(4096) u8 g_store_window[kMaxFrontends][kPageSize];
alignas(4096) u8 g_ring_window[kMaxFrontends][kPageSize];

struct Frontend {
    bool used = false;
    bool connected = false;
    bool reported_broken = false;
    bool store_map_failed = false;
    u16 domid = 0;
    u32 store_port = 0; // our end of the domU's store channel
    u32 ring_port = 0;  // our end of the frontend's ring channel
    u32 store_handle = 0, ring_handle = 0;
    bool store_mapped = false, ring_mapped = false;
    BackendCore core;
};
Frontend g_fe[kMaxFrontends];

u8* partition(const Frontend& fe) {
    return g_disk + static_cast<u64>(&fe - g_fe) * kPartBytes;
}

// Moves each chunk with GNTTABOP_copy: the frontend's page by grant, our
// disk page by machine frame. One hypercall per request.
bool copy_chunks(void* ctx, const Chunk* c, u32 n, bool to_disk) {
    auto* fe = static_cast<Frontend*>(ctx);
    xen::GnttabCopy ops[::blk::kMaxChunks] = {};
    for (u32 i = 0; i < n; i++) {
        u8* disk = partition(*fe) + c[i].disk_offset;
        xen::GnttabCopyPtr guest{c[i].gref, fe->domid, c[i].page_offset, 0};
        xen::GnttabCopyPtr local{mfn_of(disk), xen::DOMID_SELF,
                                 static_cast<u16>(reinterpret_cast<u64>(disk) & (kPageSize - 1)),
                                 0};
        ops[i].source = to_disk ? guest : local;
        ops[i].dest = to_disk ? local : guest;
        ops[i].len = c[i].len;
        ops[i].flags = to_disk ? xen::GNTCOPY_source_gref : xen::GNTCOPY_dest_gref;
    }
    if (grant_table_op(xen::GNTTABOP_copy, ops, n) != 0) return false;
    for (u32 i = 0; i < n; i++)
        if (ops[i].status != xen::GNTST_okay) return false;
    return true;
}

DiskIo disk_io(Frontend& fe) {
    return {&fe, [](void* ctx, const Chunk* c, u32 n) { return copy_chunks(ctx, c, n, true); },
            [](void* ctx, const Chunk* c, u32 n) { return copy_chunks(ctx, c, n, false); }};
}

// Returns the grant handle, or a negative GNTST_* status.
long map_grant(void* window, u16 domid, u32 ref) {
    xen::GnttabMapGrantRef op{};
    op.host_addr = reinterpret_cast<u64>(window);
    op.flags = xen::GNTMAP_host_map;
    op.ref = ref;
    op.dom = domid;
    long rc = grant_table_op(xen::GNTTABOP_map_grant_ref, &op, 1);
    if (rc) return rc;
    return op.status == xen::GNTST_okay ? static_cast<long>(op.handle) : op.status;
}

void unmap_grant(void* window, u32 handle) {
    xen::GnttabUnmapGrantRef op{reinterpret_cast<u64>(window), 0, handle, 0, 0};
    if (grant_table_op(xen::GNTTABOP_unmap_grant_ref, &op, 1) || op.status != xen::GNTST_okay)
        printk("Glasshouse blkback: unmapping grant handle %u failed (%d)\n", handle, op.status);
}

void refuse(Frontend& fe, volatile Announce* a, const char* why, long rc) {
    printk("Glasshouse blkback: d%u: connection refused: %s (%ld)\n", fe.domid, why, rc);
    a->state = kRefused;
    notify(fe.store_port);
}

// The frontend announced itself: check the record and connect.
void connect(Frontend& fe) {
    unsigned slot = static_cast<unsigned>(&fe - g_fe);
    if (!fe.store_mapped) {
        long h = map_grant(g_store_window[slot], fe.domid, kGrefStore);
        // Binding the store channel raised an event before the frontend
        // ran; until it grants the page, the map fails. Say so once.
        if (h < 0) {
            if (!fe.store_map_failed)
                printk("Glasshouse blkback: d%u: store grant not mapped (%ld), waiting\n", fe.domid,
                       h);
            fe.store_map_failed = true;
            return;
        }
        fe.store_handle = static_cast<u32>(h);
        fe.store_mapped = true;
    }
    auto* a = reinterpret_cast<volatile Announce*>(g_store_window[slot]);
    // Read each field once: the frontend may change them under us.
    u32 magic = a->magic, state = a->state, ring_ref = a->ring_ref, port = a->event_port;
    if (magic != kAnnounceMagic || state != kInitialised) {
        printk("Glasshouse blkback: d%u: no announcement (magic 0x%x state %u), waiting\n",
               fe.domid, magic, state);
        return;
    }
    long h = map_grant(g_ring_window[slot], fe.domid, ring_ref);
    if (h < 0) return refuse(fe, a, "ring grant", h);
    fe.ring_handle = static_cast<u32>(h);
    fe.ring_mapped = true;
    long local = bind_interdomain(fe.domid, port);
    if (local < 0) return refuse(fe, a, "event channel", local);
    fe.ring_port = static_cast<u32>(local);
    auto* sring = reinterpret_cast<::blk::SharedRing*>(g_ring_window[slot]);
    fe.core.attach(sring, kPartBytes / ::blk::kSectorSize, disk_io(fe), 0x9e3779b9u + fe.domid);
    fe.connected = true;
    a->disk_sectors = kPartBytes / ::blk::kSectorSize;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    a->state = kConnected;
    notify(fe.store_port);
    printk("Glasshouse blkback: d%u connected: ring ref %u, port %u, %lu KiB RAM disk\n", fe.domid,
           ring_ref, port, kPartBytes >> 10);
}

void serve(Frontend& fe) {
    // A bounded number of rounds; a frontend that keeps us busy still lets
    // the toolstack run between rounds.
    for (int round = 0; round < 64; round++) {
        if (fe.core.service()) notify(fe.ring_port);
        if (!fe.core.more()) break;
    }
    if (fe.core.broken() && !fe.reported_broken) {
        fe.reported_broken = true;
        printk("Glasshouse blkback: d%u: ring protocol violation (req_prod %u): ring stopped\n",
               fe.domid, fe.core.bad_req_prod());
    }
}

} // namespace

void blkback_init(const xen::StartInfo& si) {
    pv_init(si);
    printk("Glasshouse blkback: serving a %lu KiB RAM disk, %lu KiB per frontend\n",
           kDiskBytes >> 10, kPartBytes >> 10);
}

void blkback_domain_built(u16 domid, u32 store_port) {
    for (Frontend& fe : g_fe) {
        if (fe.used) continue;
        long local = bind_interdomain(domid, store_port);
        if (local < 0) {
            printk("Glasshouse blkback: d%u: cannot bind store channel: %ld\n", domid, local);
            return;
        }
        fe = {};
        fe.used = true;
        fe.domid = domid;
        fe.store_port = static_cast<u32>(local);
        return;
    }
    printk("Glasshouse blkback: d%u: no backend slot free (max %u)\n", domid, kMaxFrontends);
}

void blkback_domain_gone(u16 domid) {
    for (Frontend& fe : g_fe) {
        if (!fe.used || fe.domid != domid) continue;
        unsigned slot = static_cast<unsigned>(&fe - g_fe);
        if (fe.connected) {
            const auto& st = fe.core.stats();
            printk("Glasshouse blkback: d%u disconnected: %lu requests (%lu errors, %lu barriers, "
                   "%lu flushes, %lu run out of order), %lu sectors\n",
                   domid, st.requests, st.errors, st.barriers, st.flushes, st.reordered,
                   st.sectors);
            close_port(fe.ring_port);
        }
        if (fe.ring_mapped) unmap_grant(g_ring_window[slot], fe.ring_handle);
        if (fe.store_mapped) unmap_grant(g_store_window[slot], fe.store_handle);
        close_port(fe.store_port);
        fe.used = false;
    }
}

u64 blkback_requests(u16 domid) {
    for (const Frontend& fe : g_fe)
        if (fe.used && fe.domid == domid && fe.connected) return fe.core.stats().requests;
    return 0;
}

void blkback_wait(u32 port) {
    (void)blkback_wait_until(port, 0, nullptr, 0);
}

bool blkback_wait_until(u32 port, u64 deadline_ns, const u32* also, u32 nalso) {
    constexpr u32 kMaxAlso = 8;
    if (nalso > kMaxAlso) nalso = kMaxAlso;
    for (;;) {
        u32 ports[1 + kMaxAlso + 2 * kMaxFrontends] = {port};
        Frontend* owner[1 + kMaxAlso + 2 * kMaxFrontends] = {};
        u32 n = 1;
        for (u32 k = 0; k < nalso; k++)
            ports[n++] = also[k];
        for (Frontend& fe : g_fe) {
            if (!fe.used) continue;
            owner[n] = &fe;
            ports[n++] = fe.store_port;
            if (fe.connected) {
                owner[n] = &fe;
                ports[n++] = fe.ring_port;
            }
        }
        int i = wait_any(ports, n, deadline_ns);
        if (i == 0) return true;
        if (i < 0) {
            if (deadline_ns) return false;
            continue;
        }
        if (static_cast<u32>(i) <= nalso) return false; // one of `also`
        Frontend& fe = *owner[i];
        if (ports[i] == fe.store_port) {
            if (!fe.connected) connect(fe);
        } else {
            serve(fe);
        }
    }
}

} // namespace guest::blk
