// The backend core (guest/blk/backend_core.hpp) against a fake disk and a
// fake grant table: data round trips, barrier semantics seen through the
// data, and a table of malformed requests that must each get an error
// response without harm.
#include "guest/blk/backend_core.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace {

constexpr u64 kDiskSectors = 64; // 32 KiB
constexpr u32 kPages = 8;        // the frontend's granted pages: grefs 10..17
constexpr u32 kFirstGref = 10;

struct Fake {
    std::vector<u8> disk = std::vector<u8>(kDiskSectors * blk::kSectorSize);
    std::vector<u8> pages = std::vector<u8>(kPages * kPageSize);
    u32 copies = 0;

    u8* page(u32 gref) {
        return gref >= kFirstGref && gref < kFirstGref + kPages
                   ? &pages[(gref - kFirstGref) * kPageSize]
                   : nullptr;
    }
    static bool move(void* ctx, const blk::Chunk* c, u32 n, bool to_disk) {
        auto* f = static_cast<Fake*>(ctx);
        for (u32 i = 0; i < n; i++) {
            u8* p = f->page(c[i].gref);
            if (!p) return false; // GNTST_bad_gntref
            REQUIRE(c[i].page_offset + c[i].len <= kPageSize);
            REQUIRE(c[i].disk_offset / kPageSize == (c[i].disk_offset + c[i].len - 1) / kPageSize);
            REQUIRE(c[i].disk_offset + c[i].len <= f->disk.size());
            if (to_disk)
                memcpy(&f->disk[c[i].disk_offset], p + c[i].page_offset, c[i].len);
            else
                memcpy(p + c[i].page_offset, &f->disk[c[i].disk_offset], c[i].len);
            f->copies++;
        }
        return true;
    }
    blk::DiskIo io() {
        return {this, [](void* c, const blk::Chunk* ch, u32 n) { return move(c, ch, n, true); },
                [](void* c, const blk::Chunk* ch, u32 n) { return move(c, ch, n, false); }};
    }
};

struct Rig {
    std::unique_ptr<blk::SharedRing> shared = std::make_unique<blk::SharedRing>();
    blk::FrontRing front;
    blk::BackendCore back;
    Fake fake;

    explicit Rig(u32 seed = 1) {
        shared->init();
        front.attach(shared.get());
        back.attach(shared.get(), kDiskSectors, fake.io(), seed);
    }
    void queue(const blk::Request& r) { front.next_request() = r; }
    std::vector<blk::Response> run() {
        (void)front.push_requests();
        (void)back.service();
        std::vector<blk::Response> out;
        while (front.has_responses())
            out.push_back(front.next_response());
        return out;
    }
};

blk::Request rw(u8 op, u64 id, u64 sector, u32 gref, u8 first = 0, u8 last = 7) {
    blk::Request r{};
    r.operation = op;
    r.id = id;
    r.sector_number = sector;
    r.nr_segments = 1;
    r.seg[0] = {gref, first, last, 0};
    return r;
}

} // namespace

TEST_CASE("blk backend: written sectors read back, across disk page boundaries", "[blk]") {
    Rig rig;
    for (u32 i = 0; i < kPageSize; i++)
        rig.fake.pages[i] = static_cast<u8>(i * 7 + 3);
    // Sector 5: the 8-sector segment straddles disk pages 0 and 1.
    rig.queue(rw(blk::OP_WRITE, 1, 5, kFirstGref));
    auto w = rig.run();
    REQUIRE(w.size() == 1);
    CHECK(w[0].status == blk::RSP_OKAY);
    CHECK(w[0].id == 1);
    CHECK(rig.fake.copies == 2);
    rig.queue(rw(blk::OP_READ, 2, 5, kFirstGref + 1));
    auto r = rig.run();
    REQUIRE(r.size() == 1);
    CHECK(r[0].status == blk::RSP_OKAY);
    CHECK(memcmp(&rig.fake.pages[0], &rig.fake.pages[kPageSize], kPageSize) == 0);
    CHECK(rig.back.stats().sectors == 16);
}

TEST_CASE("blk backend: a request after a barrier sees the data before it", "[blk]") {
    // With random reordering, W(x=a) B(x=b) R(x) must always read b, and
    // W(x=a) R(x) B(...) may read either: the barrier is what orders.
    for (u32 seed = 1; seed < 400; seed++) {
        Rig rig(seed);
        memset(&rig.fake.pages[0], 0xaa, kPageSize);
        memset(&rig.fake.pages[kPageSize], 0xbb, kPageSize);
        rig.queue(rw(blk::OP_WRITE, 1, 8, kFirstGref));
        rig.queue(rw(blk::OP_READ, 2, 0, kFirstGref + 3)); // unrelated, may pass
        rig.queue(rw(blk::OP_BARRIER, 3, 8, kFirstGref + 1));
        rig.queue(rw(blk::OP_READ, 4, 8, kFirstGref + 2));
        blk::Request flush{};
        flush.operation = blk::OP_FLUSH;
        flush.id = 5;
        rig.queue(flush);
        auto rsp = rig.run();
        REQUIRE(rsp.size() == 5);
        for (auto& r : rsp)
            REQUIRE(r.status == blk::RSP_OKAY);
        REQUIRE(rig.fake.pages[2 * kPageSize] == 0xbb);
        REQUIRE(rig.fake.pages[3 * kPageSize - 1] == 0xbb);
    }
}

TEST_CASE("blk backend: malformed requests get error responses", "[blk]") {
    struct Case {
        const char* what;
        blk::Request req;
        blk::Status status;
    };
    auto with = [](blk::Request r, auto&& change) {
        change(r);
        return r;
    };
    blk::Request good = rw(blk::OP_WRITE, 7, 0, kFirstGref);
    const Case cases[] = {
        {"unknown operation", with(good, [](auto& r) { r.operation = 9; }), blk::RSP_EOPNOTSUPP},
        {"discard (unsupported)", with(good, [](auto& r) { r.operation = 5; }),
         blk::RSP_EOPNOTSUPP},
        {"no segments", with(good, [](auto& r) { r.nr_segments = 0; }), blk::RSP_ERROR},
        {"12 segments", with(good, [](auto& r) { r.nr_segments = 12; }), blk::RSP_ERROR},
        {"255 segments", with(good, [](auto& r) { r.nr_segments = 255; }), blk::RSP_ERROR},
        {"flush with a segment", with(good, [](auto& r) { r.operation = blk::OP_FLUSH; }),
         blk::RSP_ERROR},
        {"first sector after last",
         with(good,
              [](auto& r) {
                  r.seg[0] = {kFirstGref, 5, 4, 0};
              }),
         blk::RSP_ERROR},
        {"last sector past the page",
         with(good,
              [](auto& r) {
                  r.seg[0] = {kFirstGref, 0, 8, 0};
              }),
         blk::RSP_ERROR},
        {"runs past the disk end", with(good, [](auto& r) { r.sector_number = 57; }),
         blk::RSP_ERROR},
        {"starts past the disk end", with(good, [](auto& r) { r.sector_number = 1000; }),
         blk::RSP_ERROR},
        {"sector number wraps", with(good, [](auto& r) { r.sector_number = ~0ull - 3; }),
         blk::RSP_ERROR},
        {"bad grant ref", with(good, [](auto& r) { r.seg[0].gref = 4096; }), blk::RSP_ERROR},
        {"bad grant in a later segment",
         with(good,
              [](auto& r) {
                  r.nr_segments = 2;
                  r.seg[1] = {0xffffffffu, 0, 7, 0};
              }),
         blk::RSP_ERROR},
        {"bad grant on a read",
         with(good,
              [](auto& r) {
                  r.operation = blk::OP_READ;
                  r.seg[0].gref = 3;
              }),
         blk::RSP_ERROR},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        Rig rig;
        rig.queue(c.req);
        rig.queue(rw(blk::OP_READ, 8, 0, kFirstGref)); // the ring still works after
        auto rsp = rig.run();
        REQUIRE(rsp.size() == 2);
        // Two valid reads may complete in either order.
        if (rsp[0].id == 8) std::swap(rsp[0], rsp[1]);
        CHECK(rsp[0].id == 7);
        CHECK(rsp[0].status == c.status);
        CHECK(rsp[1].id == 8);
        CHECK(rsp[1].status == blk::RSP_OKAY);
        CHECK_FALSE(rig.back.broken());
    }
    CHECK(blk::check_request(good, kDiskSectors) == blk::Reject::none);
    CHECK(blk::check_request(with(good, [](auto& r) { r.sector_number = 56; }), kDiskSectors) ==
          blk::Reject::none); // the last 8 sectors exactly
}

TEST_CASE("blk backend: an impossible req_prod stops the ring, not the backend", "[blk]") {
    Rig rig;
    rig.shared->req_prod = blk::SharedRing::kSlots + 1; // more outstanding than slots
    CHECK_FALSE(rig.back.service());
    CHECK(rig.back.broken());
    CHECK(rig.back.stats().requests == 0);
    CHECK(rig.shared->rsp_prod == 0);
    CHECK_FALSE(rig.back.service()); // and stays stopped, without looping

    Rig wild;
    wild.shared->req_prod = 0x80000000u;
    CHECK_FALSE(wild.back.service());
    CHECK(wild.back.broken());
}

TEST_CASE("blk backend: a full ring of garbage is answered slot for slot", "[blk]") {
    Rig rig;
    u32 seed = 12345;
    for (u32 i = 0; i < blk::SharedRing::kSlots; i++) {
        blk::Request& r = rig.front.next_request();
        auto* bytes = reinterpret_cast<u8*>(&r);
        for (u32 b = 0; b < sizeof r; b++) {
            seed = seed * 1103515245 + 12345;
            bytes[b] = static_cast<u8>(seed >> 16);
        }
        r.id = i;
    }
    auto rsp = rig.run();
    REQUIRE(rsp.size() == blk::SharedRing::kSlots);
    std::vector<bool> seen(blk::SharedRing::kSlots);
    for (auto& r : rsp) {
        REQUIRE(r.id < seen.size());
        seen[r.id] = true;
        CHECK(r.status != blk::RSP_OKAY);
    }
    CHECK(std::count(seen.begin(), seen.end(), true) == blk::SharedRing::kSlots);
}
