// The block device protocol between a frontend (domU) and the backend in
// domain 0, laid out like Xen's public/io/blkif.h so the numbers and sizes
// are familiar: a request names up to kMaxSegments granted pages, each with
// the first and last 512-byte sector used in that page; the segments cover
// consecutive disk sectors from sector_number on.
//
// Ordering (the paper's reorder barriers): the backend may complete requests
// in any order, except that
//   * a barrier starts only after every request ahead of it has completed,
//     and no request behind it starts before the barrier has completed;
//   * a flush completes only after every write (and barrier) ahead of it.
// A barrier may carry data (it is then a write); a flush carries none.
#pragma once

#include "guest/ring/ring.hpp"
#include "hv/lib/types.hpp"

#include <cstddef>

namespace blk {

constexpr u32 kSectorSize = 512;
constexpr u32 kSectorsPerPage = kPageSize / kSectorSize;
constexpr u32 kMaxSegments = 11; // BLKIF_MAX_SEGMENTS_PER_REQUEST

enum Op : u8 {
    OP_READ = 0,
    OP_WRITE = 1,
    OP_BARRIER = 2, // BLKIF_OP_WRITE_BARRIER
    OP_FLUSH = 3,   // BLKIF_OP_FLUSH_DISKCACHE
};

enum Status : i16 {
    RSP_OKAY = 0,
    RSP_ERROR = -1,
    RSP_EOPNOTSUPP = -2,
};

struct Segment {
    u32 gref;      // grant of the frontend's page, to domain 0
    u8 first_sect; // first sector used in the page, 0..7
    u8 last_sect;  // last sector used, first_sect..7
    u16 pad;
};
static_assert(sizeof(Segment) == 8);

struct Request {
    u8 operation;   // Op
    u8 nr_segments; // read/write 1..kMaxSegments, barrier 0..kMaxSegments, flush 0
    u16 handle;     // device number (one device: 0)
    u32 pad;
    u64 id;            // echoed in the response
    u64 sector_number; // first disk sector
    Segment seg[kMaxSegments];
};
static_assert(sizeof(Request) == 112);
static_assert(offsetof(Request, id) == 8);
static_assert(offsetof(Request, seg) == 24);

struct Response {
    u64 id;
    u8 operation;
    u8 pad;
    i16 status; // Status
    // Our extension, in blkif's padding: the backend numbers its responses
    // 0, 1, 2... in the order it puts them on the ring, so a frontend can
    // tell when the ring's order is not the backend's (a fault injection).
    u32 seq;
};
static_assert(sizeof(Response) == 16);

using SharedRing = ring::SharedRing<Request, Response>;
using FrontRing = ring::FrontRing<SharedRing>;
using BackRing = ring::BackRing<SharedRing>;
static_assert(sizeof(SharedRing) <= kPageSize);
static_assert(SharedRing::kSlots == 32); // as Xen's blkif ring on a 4 KiB page

} // namespace blk
