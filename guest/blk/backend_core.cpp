#include "guest/blk/backend_core.hpp"

namespace blk {

Reject check_request(const Request& r, u64 disk_sectors) {
    u32 min_segs = 1, max_segs = kMaxSegments;
    switch (r.operation) {
    case OP_READ:
    case OP_WRITE:
        break;
    case OP_BARRIER:
        min_segs = 0;
        break;
    case OP_FLUSH:
        min_segs = max_segs = 0;
        break;
    default:
        return Reject::bad_operation;
    }
    if (r.nr_segments < min_segs || r.nr_segments > max_segs) return Reject::bad_segment_count;
    u64 sectors = 0;
    for (u32 i = 0; i < r.nr_segments; i++) {
        const Segment& s = r.seg[i];
        if (s.first_sect > s.last_sect || s.last_sect >= kSectorsPerPage)
            return Reject::bad_sectors_in_page;
        sectors += s.last_sect - s.first_sect + 1u;
    }
    // Written so that a huge sector_number cannot wrap around.
    if (r.sector_number > disk_sectors || sectors > disk_sectors - r.sector_number)
        return Reject::past_end_of_disk;
    return Reject::none;
}

const char* reject_name(Reject r) {
    switch (r) {
    case Reject::none:
        return "none";
    case Reject::bad_operation:
        return "bad operation";
    case Reject::bad_segment_count:
        return "bad segment count";
    case Reject::bad_sectors_in_page:
        return "bad sectors in page";
    case Reject::past_end_of_disk:
        return "past end of disk";
    }
    return "?";
}

u32 request_chunks(const Request& r, Chunk (&out)[kMaxChunks]) {
    u32 n = 0;
    u64 disk = r.sector_number * kSectorSize;
    for (u32 i = 0; i < r.nr_segments; i++) {
        const Segment& s = r.seg[i];
        u32 offset = s.first_sect * kSectorSize;
        u32 left = (s.last_sect - s.first_sect + 1u) * kSectorSize;
        while (left) {
            u32 room = static_cast<u32>(kPageSize - (disk & (kPageSize - 1)));
            u32 len = left < room ? left : room;
            out[n++] = {s.gref, static_cast<u16>(offset), static_cast<u16>(len), disk};
            offset += len;
            disk += len;
            left -= len;
        }
    }
    return n;
}

void BackendCore::attach(SharedRing* sring, u64 disk_sectors, DiskIo io, u32 seed) {
    ring_.attach(sring);
    queue_ = OrderQueue{};
    disk_sectors_ = disk_sectors;
    io_ = io;
    rng_ = seed ? seed : 1;
    broken_ = false;
    stats_ = {};
}

bool BackendCore::service() {
    more_ = false;
    if (broken_) return false;
    bool notify = false;
    // A frontend that keeps producing must not keep us here: after
    // kMaxPasses rounds the caller gets control back (more() is true).
    for (u32 pass = 0;; pass++) {
        ring::RingIdx prod = ring_.request_producer();
        u32 count = 0;
        if (!ring_.unconsumed(prod, count)) {
            broken_ = true;
            bad_req_prod_ = prod;
            break;
        }
        // At most kSlots requests, bounded by the check above.
        while (count--)
            accept(ring_.take_request());
        run_queued();
        notify |= ring_.push_responses();
        if (!ring_.final_check_for_requests()) break;
        if (pass + 1 == kMaxPasses) {
            more_ = true;
            break;
        }
    }
    return notify;
}

void BackendCore::accept(const Request& r) {
    stats_.requests++;
    Reject why = check_request(r, disk_sectors_);
    u32 seq = 0;
    if (why == Reject::bad_operation) return respond(r, RSP_EOPNOTSUPP);
    if (why != Reject::none || !queue_.push(static_cast<Kind>(r.operation), seq))
        return respond(r, RSP_ERROR);
    pending_[seq % OrderQueue::kCapacity] = r;
}

// xorshift32: the backend's freedom to reorder, made visible.
u32 BackendCore::pick_startable() {
    u32 candidates[OrderQueue::kCapacity];
    u32 n = 0;
    for (u32 s = queue_.head(); s != queue_.tail(); s++)
        if (queue_.may_start(s)) candidates[n++] = s;
    if (!n) return queue_.tail();
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return candidates[rng_ % n];
}

void BackendCore::run_queued() {
    // The RAM disk completes each request as it runs, so the queue drains:
    // with nothing in flight the oldest request can always start.
    while (!queue_.empty()) {
        u32 seq = pick_startable();
        if (seq == queue_.tail()) break; // cannot happen; never spin
        if (seq != queue_.head()) stats_.reordered++;
        queue_.start(seq);
        execute(seq);
        queue_.complete(seq);
    }
}

void BackendCore::execute(u32 seq) {
    const Request& r = pending_[seq % OrderQueue::kCapacity];
    Chunk chunks[kMaxChunks];
    u32 n = request_chunks(r, chunks);
    bool ok = true;
    if (r.operation == OP_READ)
        ok = io_.from_disk(io_.ctx, chunks, n);
    else if (n)
        ok = io_.to_disk(io_.ctx, chunks, n);
    if (r.operation == OP_BARRIER) stats_.barriers++;
    if (r.operation == OP_FLUSH) stats_.flushes++;
    for (u32 i = 0; ok && i < n; i++)
        stats_.sectors += chunks[i].len / kSectorSize;
    respond(r, ok ? RSP_OKAY : RSP_ERROR);
}

void BackendCore::respond(const Request& r, Status status) {
    if (status != RSP_OKAY) stats_.errors++;
    Response rsp{};
    rsp.id = r.id;
    rsp.operation = r.operation;
    rsp.status = status;
    rsp.seq = next_seq_++;
    ring_.put_response(rsp);
}

} // namespace blk
