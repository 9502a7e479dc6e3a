#include "traces/chunk.hpp"

#include <cstdio>
#include <cstring>
#include <zstd.h>

#include "traces/crc32.hpp"

namespace glass::trace {

namespace {
std::string num(std::uint64_t v) {
    return std::to_string(v);
}
} // namespace

std::string check_record(const RecordHeader& h, std::size_t remaining, ChunkKind kind) {
    if (h.size < sizeof(RecordHeader) || h.size % 8 != 0)
        return "expected a record size that is a multiple of 8 and at least 24, found " +
               num(h.size);
    if (h.size > remaining)
        return "expected a record of " + num(h.size) + " bytes to fit in the " + num(remaining) +
               " bytes left in the chunk";
    if (h.size > kMaxRecordBytes)
        return "expected a record size of at most " + num(kMaxRecordBytes) + ", found " +
               num(h.size);
    bool snap = is_snapshot_type(h.type);
    if (snap != (kind == ChunkKind::Snapshot))
        return "expected " + std::string(kind == ChunkKind::Snapshot ? "a snapshot" : "an event") +
               " record type, found type " + num(h.type);
    std::uint32_t min = min_record_size(h.type);
    if (h.size < min)
        return "expected at least " + num(min) + " bytes for record type " + num(h.type) +
               ", found " + num(h.size);
    if (h.type == static_cast<std::uint16_t>(RecordType::HypercallRead)) {
        auto r = reinterpret_cast<const HypercallRead*>(&h);
        if (r->bytes > h.size - sizeof(HypercallRead))
            return "expected a guest-memory read of at most " +
                   num(h.size - sizeof(HypercallRead)) + " bytes, found " + num(r->bytes);
    }
    return {};
}

std::string check_chunk_header(const ChunkHeader& h, std::size_t& field) {
    auto bad = [&](std::size_t at, std::string why) {
        field = at;
        return why;
    };
    if (h.magic != kChunkMagic) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%08x", h.magic);
        return bad(0, "expected chunk magic 'CHNK' (0x4b4e4843), found 0x" + std::string(buf));
    }
    std::uint32_t crc = crc32(&h, offsetof(ChunkHeader, header_crc));
    if (crc != h.header_crc)
        return bad(offsetof(ChunkHeader, header_crc), "expected chunk header CRC32 " + num(crc) +
                                                          " (computed), found " +
                                                          num(h.header_crc));
    if (h.kind != static_cast<std::uint16_t>(ChunkKind::Snapshot) &&
        h.kind != static_cast<std::uint16_t>(ChunkKind::Records))
        return bad(offsetof(ChunkHeader, kind),
                   "expected chunk kind 1 (snapshot) or 2 (records), found " + num(h.kind));
    if (h.codec > static_cast<std::uint16_t>(Codec::Zstd))
        return bad(offsetof(ChunkHeader, codec),
                   "expected codec 0 (none) or 1 (zstd), found " + num(h.codec));
    if (h.raw_bytes > kMaxChunkRawBytes)
        return bad(offsetof(ChunkHeader, raw_bytes), "expected at most " + num(kMaxChunkRawBytes) +
                                                         " uncompressed bytes, found " +
                                                         num(h.raw_bytes));
    if (h.codec == static_cast<std::uint16_t>(Codec::None) && h.stored_bytes != h.raw_bytes)
        return bad(offsetof(ChunkHeader, stored_bytes), "expected stored size " + num(h.raw_bytes) +
                                                            " for an uncompressed chunk, found " +
                                                            num(h.stored_bytes));
    if (h.record_count > kMaxRecordsPerChunk || h.record_count > h.raw_bytes / sizeof(RecordHeader))
        return bad(offsetof(ChunkHeader, record_count),
                   "expected at most " + num(h.raw_bytes / sizeof(RecordHeader)) +
                       " records in a chunk of " + num(h.raw_bytes) + " bytes, found " +
                       num(h.record_count));
    field = 0;
    return {};
}

Decompressor::Decompressor() : ctx_(ZSTD_createDCtx()) {}
Decompressor::~Decompressor() {
    ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(ctx_));
}

Status Decompressor::decode(const ChunkHeader& h, std::uint64_t at, const std::uint8_t* stored,
                            Chunk& out) {
    const std::uint64_t data_at = at + sizeof(ChunkHeader);
    std::uint8_t* raw = out.resize_bytes(h.raw_bytes);
    out.first_record = h.first_record;
    std::uint32_t crc = crc32(stored, h.stored_bytes);
    if (crc != h.data_crc)
        return Status::fail(data_at, "expected chunk data CRC32 " + num(h.data_crc) +
                                         " (chunk header at byte " + num(at) + "), computed " +
                                         num(crc));
    if (h.codec == static_cast<std::uint16_t>(Codec::Zstd)) {
        std::size_t n = ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(ctx_), raw, h.raw_bytes, stored,
                                            h.stored_bytes);
        if (ZSTD_isError(n))
            return Status::fail(data_at, std::string("expected a zstd frame of ") +
                                             num(h.raw_bytes) +
                                             " bytes, zstd says: " + ZSTD_getErrorName(n));
        if (n != h.raw_bytes)
            return Status::fail(data_at, "expected " + num(h.raw_bytes) +
                                             " bytes after decompression, found " + num(n));
    } else if (h.raw_bytes) {
        std::memcpy(raw, stored, h.raw_bytes);
    }
    // Offsets inside an uncompressed chunk are file offsets; inside a
    // compressed one the best we can name is the chunk data plus the offset
    // within its records.
    const bool exact = h.codec == static_cast<std::uint16_t>(Codec::None);
    auto where = [&](std::size_t off) { return exact ? data_at + off : data_at; };
    auto what = [&](std::size_t off, std::uint64_t index, const std::string& why) {
        std::string s = "record " + num(index);
        if (!exact)
            s += " (uncompressed offset " + num(off) + " of the chunk at byte " + num(at) + ")";
        return s + ": " + why;
    };
    auto kind = static_cast<ChunkKind>(h.kind);
    std::size_t off = 0;
    while (off < h.raw_bytes) {
        std::uint64_t index = h.first_record + out.size();
        if (h.raw_bytes - off < sizeof(RecordHeader))
            return Status::fail(where(off), what(off, index,
                                                 "expected a 24-byte record header, found " +
                                                     num(h.raw_bytes - off) + " bytes left"));
        auto rec = reinterpret_cast<const RecordHeader*>(raw + off);
        if (std::string why = check_record(*rec, h.raw_bytes - off, kind); !why.empty())
            return Status::fail(where(off), what(off, index, why));
        if (out.size() == h.record_count)
            return Status::fail(where(off), what(off, index,
                                                 "expected the chunk to end after " +
                                                     num(h.record_count) + " records"));
        out.offsets().push_back(static_cast<std::uint32_t>(off));
        off += rec->size;
    }
    if (out.size() != h.record_count)
        return Status::fail(data_at + (exact ? h.raw_bytes : 0),
                            "expected " + num(h.record_count) + " records in the chunk at byte " +
                                num(at) + ", found " + num(out.size()));
    return {};
}

Compressor::Compressor(int level) : ctx_(ZSTD_createCCtx()), level_(level) {}
Compressor::~Compressor() {
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(ctx_));
}

bool Compressor::compress(const std::uint8_t* raw, std::size_t n, std::vector<std::uint8_t>& out,
                          std::string& err) {
    std::size_t base = out.size();
    out.resize(base + ZSTD_compressBound(n));
    std::size_t r = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(ctx_), out.data() + base,
                                      out.size() - base, raw, n, level_);
    if (ZSTD_isError(r)) {
        err = ZSTD_getErrorName(r);
        out.resize(base);
        return false;
    }
    out.resize(base + r);
    return true;
}

} // namespace glass::trace
