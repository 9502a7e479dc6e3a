// The portable part of the block backend: reads requests from a frontend's
// ring, checks each one, runs the valid ones in an order the reorder rules
// allow (guest/blk/ordering.hpp), moves the data through a DiskIo and
// answers every request. Nothing the frontend writes can make it crash,
// read or write outside the disk, or loop: a malformed request gets an
// error response; an impossible ring index stops the ring for good.
#pragma once

#include "guest/blk/ordering.hpp"
#include "guest/blk/protocol.hpp"

namespace blk {

// One piece of a segment: len bytes between the frontend's granted page
// (at page_offset) and the disk (at disk_offset). Never crosses a page on
// either side.
struct Chunk {
    u32 gref;
    u16 page_offset;
    u16 len;
    u64 disk_offset;
};

// How the data moves: the guest uses GNTTABOP_copy, the host tests memory.
// Each call moves all chunks of one request; false if any grant was refused.
struct DiskIo {
    void* ctx;
    bool (*to_disk)(void* ctx, const Chunk* chunks, u32 n);   // write
    bool (*from_disk)(void* ctx, const Chunk* chunks, u32 n); // read
};

// Why a request is refused (RSP_ERROR unless noted); none = valid.
enum class Reject : u8 {
    none,
    bad_operation, // RSP_EOPNOTSUPP
    bad_segment_count,
    bad_sectors_in_page,
    past_end_of_disk,
};
Reject check_request(const Request& r, u64 disk_sectors);
const char* reject_name(Reject r);

// Splits the segments of a checked request into chunks; returns how many.
constexpr u32 kMaxChunks = 2 * kMaxSegments; // a segment may straddle two disk pages
u32 request_chunks(const Request& r, Chunk (&out)[kMaxChunks]);

struct BackendStats {
    u64 requests = 0;
    u64 errors = 0; // answered with a status other than RSP_OKAY
    u64 sectors = 0;
    u64 barriers = 0;
    u64 flushes = 0;
    u64 reordered = 0; // requests completed before one ahead of them in the ring
};

class BackendCore {
  public:
    void attach(SharedRing* sring, u64 disk_sectors, DiskIo io, u32 seed);

    // Serves every request the frontend has published (re-checking after
    // arming req_event, so none is missed). Returns true if the frontend
    // must be notified of responses.
    [[nodiscard]] bool service();

    // service() stopped with requests left (call it again before sleeping).
    bool more() const { return more_; }

    // The frontend published an impossible req_prod; the ring is dead.
    bool broken() const { return broken_; }
    u32 bad_req_prod() const { return bad_req_prod_; }
    const BackendStats& stats() const { return stats_; }

  private:
    void accept(const Request& r);
    void run_queued();
    u32 pick_startable();
    void execute(u32 seq);
    void respond(const Request& r, Status status);

    BackRing ring_;
    OrderQueue queue_;
    Request pending_[OrderQueue::kCapacity] = {};
    u64 disk_sectors_ = 0;
    DiskIo io_ = {};
    u32 rng_ = 1;
    static constexpr u32 kMaxPasses = 16;
    bool more_ = false;
    bool broken_ = false;
    u32 bad_req_prod_ = 0;
    u32 next_seq_ = 0; // Response::seq of the next response
    BackendStats stats_;
};

} // namespace blk
