#include "traces/reader.hpp"

#include <cstring>

#include "traces/crc32.hpp"

namespace glass::trace {

namespace {

std::string num(std::uint64_t v) {
    return std::to_string(v);
}

std::string ends_at(std::uint64_t size) {
    return ", file ends at byte " + num(size);
}

} // namespace

Reader::Reader(std::unique_ptr<Source> source) : source_(std::move(source)) {}

Status Reader::read_header() {
    const std::uint64_t size = source_->size();
    std::uint8_t magic[8];
    if (!source_->read(0, magic, sizeof magic))
        return Status::fail(size, "expected the 8-byte trace magic 'GLTRACE\\x1a'" + ends_at(size));
    if (std::memcmp(magic, kFileMagic, sizeof magic) != 0)
        return Status::fail(0, "expected the trace magic 'GLTRACE\\x1a', found other bytes "
                               "(not a Glasshouse trace)");
    if (!source_->read(0, &header_, sizeof header_))
        return Status::fail(size, "expected a " + num(sizeof header_) + "-byte file header" +
                                      ends_at(size));
    if (header_.version_major != kVersionMajor)
        return Status::fail(offsetof(FileHeader, version_major),
                            "expected format version " + num(kVersionMajor) + ".x.x, found " +
                                num(header_.version_major) + "." + num(header_.version_minor) +
                                "." + num(header_.version_patch));
    // Only a newer minor version may have a longer header.
    if (header_.header_bytes < sizeof(FileHeader) ||
        (header_.version_minor <= kVersionMinor && header_.header_bytes != sizeof(FileHeader)))
        return Status::fail(offsetof(FileHeader, header_bytes),
                            "expected a header size of " + num(sizeof(FileHeader)) +
                                (header_.version_minor > kVersionMinor ? " or more" : "") +
                                " for version " + num(header_.version_major) + "." +
                                num(header_.version_minor) + ", found " +
                                num(header_.header_bytes));
    // A newer minor version may have a longer header: the CRC covers all of
    // it and sits in its last 4 bytes.
    std::vector<std::uint8_t> bytes(header_.header_bytes);
    if (!source_->read(0, bytes.data(), bytes.size()))
        return Status::fail(size, "expected a " + num(bytes.size()) + "-byte file header" +
                                      ends_at(size));
    std::uint32_t stored;
    std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
    std::uint32_t crc = crc32(bytes.data(), bytes.size() - 4);
    if (crc != stored)
        return Status::fail(bytes.size() - 4, "expected file header CRC32 " + num(crc) +
                                                  " (computed), found " + num(stored));
    if (header_.records_per_chunk == 0 || header_.records_per_chunk > kMaxRecordsPerChunk)
        return Status::fail(offsetof(FileHeader, records_per_chunk),
                            "expected records per chunk in 1.." + num(kMaxRecordsPerChunk) +
                                ", found " + num(header_.records_per_chunk));
    header_.creator[sizeof header_.creator - 1] = 0;
    return {};
}

Status Reader::read_chunk_header(std::uint64_t at, ChunkHeader& h) {
    const std::uint64_t size = source_->size();
    if (!source_->read(at, &h, sizeof h))
        return Status::fail(size,
                            "expected a 40-byte chunk header at byte " + num(at) + ends_at(size));
    std::size_t field;
    if (std::string why = check_chunk_header(h, field); !why.empty())
        return Status::fail(at + field, why);
    if (h.stored_bytes > size - at - sizeof h)
        return Status::fail(size, "expected " + num(h.stored_bytes) +
                                      " bytes of chunk data after the chunk header at byte " +
                                      num(at) + ends_at(size));
    return {};
}

Status Reader::read_snapshot_headers(std::uint64_t& at) {
    for (;;) {
        std::uint32_t magic = 0;
        if (!snapshot_.empty() &&
            (at == source_->size() || (source_->read(at, &magic, 4) && magic == kIndexMagic)))
            return {};
        ChunkHeader h;
        // Once the first snapshot chunk is there, whatever follows is the
        // records' business: damage there is found (and reported) later.
        if (Status s = read_chunk_header(at, h); !s) return snapshot_.empty() ? s : Status();
        if (h.kind != static_cast<std::uint16_t>(ChunkKind::Snapshot)) {
            if (!snapshot_.empty()) return {};
            return Status::fail(at + offsetof(ChunkHeader, kind),
                                "expected the snapshot chunk (kind 1) after the file header, "
                                "found kind " +
                                    num(h.kind));
        }
        snapshot_.push_back({at, snapshot_records_, h.record_count, h.raw_bytes});
        snapshot_records_ += h.record_count;
        at += sizeof h + h.stored_bytes;
    }
}

Status Reader::open() {
    if (Status s = read_header(); !s) return s;
    std::uint64_t data_start = header_.header_bytes;
    if (Status s = read_snapshot_headers(data_start); !s) return s;
    if (Status s = load_index(data_start); s) {
        indexed_ = true;
    } else {
        damage_ = s.error();
        chunks_.clear();
        checkpoints_.clear();
        scan(data_start);
    }
    record_count_ = chunks_.empty() ? 0 : chunks_.back().first_record + chunks_.back().record_count;
    build_buckets();
    return {};
}

Status Reader::load_index(std::uint64_t data_start) {
    const std::uint64_t size = source_->size();
    Footer f;
    if (size < data_start + sizeof(IndexHeader) + sizeof f ||
        !source_->read(size - sizeof f, &f, sizeof f))
        return Status::fail(size, "expected an index and a 32-byte footer" + ends_at(size) +
                                      " (truncated, or the recording never finished)");
    const std::uint64_t at = size - sizeof f;
    if (std::memcmp(f.magic, kFooterMagic, sizeof f.magic) != 0)
        return Status::fail(at + offsetof(Footer, magic),
                            "expected the footer magic 'GLTREND\\x1a' in the last 8 bytes "
                            "(truncated, or the recording never finished)");
    if (std::uint32_t crc = crc32(&f, offsetof(Footer, footer_crc)); crc != f.footer_crc)
        return Status::fail(at + offsetof(Footer, footer_crc), "expected footer CRC32 " + num(crc) +
                                                                   " (computed), found " +
                                                                   num(f.footer_crc));
    if (f.index_offset < data_start || f.index_offset > at || f.index_bytes != at - f.index_offset)
        return Status::fail(at, "expected the index to lie between byte " + num(data_start) +
                                    " and the footer at byte " + num(at) + ", footer says " +
                                    num(f.index_bytes) + " bytes at byte " + num(f.index_offset));
    std::vector<std::uint8_t> raw(f.index_bytes);
    if (!source_->read(f.index_offset, raw.data(), raw.size()))
        return Status::fail(size, "expected the index" + ends_at(size));
    if (std::uint32_t crc = crc32(raw.data(), raw.size()); crc != f.index_crc)
        return Status::fail(f.index_offset, "expected index CRC32 " + num(f.index_crc) +
                                                " (from the footer), computed " + num(crc));
    IndexHeader ih;
    if (raw.size() < sizeof ih)
        return Status::fail(f.index_offset,
                            "expected a 24-byte index header, found " + num(raw.size()) + " bytes");
    std::memcpy(&ih, raw.data(), sizeof ih);
    if (ih.magic != kIndexMagic) return Status::fail(f.index_offset, "expected index magic 'INDX'");
    if (raw.size() != sizeof ih + std::uint64_t(ih.chunk_count) * sizeof(IndexChunk) +
                          std::uint64_t(ih.checkpoint_count) * sizeof(IndexCheckpoint))
        return Status::fail(f.index_offset + 4, "expected " + num(ih.chunk_count) + " chunks and " +
                                                    num(ih.checkpoint_count) +
                                                    " checkpoints to fill the " + num(raw.size()) +
                                                    "-byte index");
    const std::uint8_t* p = raw.data() + sizeof ih;
    std::uint64_t next_offset = data_start, next_record = 0;
    for (std::uint32_t i = 0; i < ih.chunk_count; i++, p += sizeof(IndexChunk)) {
        IndexChunk e;
        std::memcpy(&e, p, sizeof e);
        if (e.offset != next_offset && !(i && e.offset > next_offset))
            return Status::fail(f.index_offset + (p - raw.data()),
                                "expected index entry " + num(i) + " to point at byte " +
                                    (i ? "above " : "") + num(next_offset) + ", found " +
                                    num(e.offset));
        if (e.offset > f.index_offset - sizeof(ChunkHeader) || e.first_record != next_record ||
            e.record_count == 0 || e.record_count > header_.records_per_chunk)
            return Status::fail(f.index_offset + (p - raw.data()),
                                "expected index entry " + num(i) + " to hold 1.." +
                                    num(header_.records_per_chunk) + " records from record " +
                                    num(next_record) + " before the index, found " +
                                    num(e.record_count) + " from " + num(e.first_record) +
                                    " at byte " + num(e.offset));
        chunks_.push_back({e.offset, e.first_record, e.record_count, e.raw_bytes});
        next_offset = e.offset + sizeof(ChunkHeader);
        next_record += e.record_count;
    }
    if (next_record != ih.record_count)
        return Status::fail(f.index_offset + offsetof(IndexHeader, record_count),
                            "expected the chunks' " + num(next_record) + " records, found " +
                                num(ih.record_count));
    for (std::uint32_t i = 0; i < ih.checkpoint_count; i++, p += sizeof(IndexCheckpoint)) {
        IndexCheckpoint c;
        std::memcpy(&c, p, sizeof c);
        if (c.record_index >= next_record ||
            (i && c.record_index <= checkpoints_.back().record_index))
            return Status::fail(f.index_offset + (p - raw.data()),
                                "expected checkpoint " + num(i) +
                                    " at an increasing record index below " + num(next_record) +
                                    ", found " + num(c.record_index));
        checkpoints_.push_back(c);
    }
    return {};
}

// Recovery: walk the chunks in file order, keeping each one that is whole
// and decodes, until something is wrong.
void Reader::scan(std::uint64_t at) {
    const std::uint64_t size = source_->size();
    Chunk chunk;
    std::uint64_t next_record = 0;
    for (;;) {
        std::uint32_t magic = 0;
        if (at == size) {
            damage_ = Error{size, "expected a chunk header or the index, found the end of the file "
                                  "(truncated, or the recording never finished)"};
            return;
        }
        // The index follows the last chunk; the damage is then in the index or
        // footer, which damage_ already describes.
        if (source_->read(at, &magic, 4) && magic == kIndexMagic) return;
        ChunkHeader h;
        Status s = read_chunk_header(at, h);
        if (s && h.kind != static_cast<std::uint16_t>(ChunkKind::Records))
            s = Status::fail(at + offsetof(ChunkHeader, kind),
                             "expected a records chunk (kind 2), found kind " + num(h.kind));
        if (s && (h.first_record != next_record || h.record_count == 0 ||
                  h.record_count > header_.records_per_chunk))
            s = Status::fail(at + offsetof(ChunkHeader, first_record),
                             "expected 1.." + num(header_.records_per_chunk) +
                                 " records from record " + num(next_record) + ", found " +
                                 num(h.record_count) + " from " + num(h.first_record));
        if (s) {
            stored_.resize(h.stored_bytes);
            if (!source_->read(at + sizeof h, stored_.data(), stored_.size()))
                s = Status::fail(size, "expected chunk data" + ends_at(size));
        }
        if (s) s = decompressor_.decode(h, at, stored_.data(), chunk);
        if (!s) {
            damage_ = s.error();
            return;
        }
        for (std::size_t i = 0; i < chunk.size(); i++)
            if (auto c = record_as<Checkpoint>(chunk.at(i), RecordType::Checkpoint))
                checkpoints_.push_back(
                    {next_record + i, c->h.time_ns, c->frame_table_hash, c->evtchn_hash});
        chunks_.push_back({at, next_record, h.record_count, h.raw_bytes});
        next_record += h.record_count;
        at += sizeof h + h.stored_bytes;
    }
}

void Reader::build_buckets() {
    const std::uint64_t per = header_.records_per_chunk;
    buckets_.clear();
    std::uint32_t c = 0;
    for (std::uint64_t r = 0; r < record_count_; r += per) {
        while (c + 1 < chunks_.size() && chunks_[c + 1].first_record <= r)
            c++;
        buckets_.push_back(c);
    }
}

std::size_t Reader::chunk_of(std::uint64_t record) const {
    std::size_t c = buckets_[record / header_.records_per_chunk];
    while (c + 1 < chunks_.size() && chunks_[c + 1].first_record <= record)
        c++;
    return c;
}

Status Reader::read_chunk(const ChunkInfo& c, Chunk& out) {
    out.resize_bytes(0);
    ChunkHeader h;
    if (Status s = read_chunk_header(c.offset, h); !s) return s;
    // Snapshot chunks all precede the record chunks.
    const bool snapshot = !snapshot_.empty() && c.offset <= snapshot_.back().offset;
    const auto kind = snapshot ? ChunkKind::Snapshot : ChunkKind::Records;
    if (h.kind != static_cast<std::uint16_t>(kind) ||
        (!snapshot && h.first_record != c.first_record) || h.record_count != c.record_count ||
        h.raw_bytes != c.raw_bytes)
        return Status::fail(c.offset, "expected the chunk the index lists (kind " +
                                          num(static_cast<unsigned>(kind)) + ", " +
                                          num(c.record_count) + " records from " +
                                          num(c.first_record) + ", " + num(c.raw_bytes) +
                                          " bytes), found kind " + num(h.kind) + ", " +
                                          num(h.record_count) + " records from " +
                                          num(h.first_record) + ", " + num(h.raw_bytes) + " bytes");
    stored_.resize(h.stored_bytes);
    if (!source_->read(c.offset + sizeof h, stored_.data(), stored_.size()))
        return Status::fail(source_->size(), "expected chunk data" + ends_at(source_->size()));
    Status s = decompressor_.decode(h, c.offset, stored_.data(), out);
    if (snapshot) out.first_record = c.first_record;
    return s;
}

Status Reader::verify() {
    Chunk chunk;
    for (const auto* list : {&snapshot_, &chunks_})
        for (const ChunkInfo& c : *list)
            if (Status s = read_chunk(c, chunk); !s) return s;
    return {};
}

Cursor::Cursor(Reader& reader, std::uint64_t first)
    : Cursor(reader, reader.chunks(),
             first < reader.record_count() ? reader.chunk_of(first) : reader.chunks().size(),
             first) {}

Cursor::Cursor(Reader& reader, const std::vector<ChunkInfo>& chunks, std::size_t chunk,
               std::uint64_t first)
    : reader_(reader), chunks_(chunks), next_chunk_(chunk), index_(first) {}

Cursor Cursor::snapshot(Reader& reader) {
    return Cursor(reader, reader.snapshot_chunks(), 0, 0);
}

const RecordHeader* Cursor::next() {
    for (;;) {
        if (loaded_ && pos_ < chunk_.size()) {
            index_++;
            return chunk_.at(pos_++);
        }
        if (!pending_ || next_chunk_ >= chunks_.size()) {
            status_ = pending_;
            return nullptr;
        }
        const ChunkInfo& c = chunks_[next_chunk_++];
        // Keep the records before any damage; report it after them.
        pending_ = reader_.read_chunk(c, chunk_);
        loaded_ = true;
        pos_ = index_ > c.first_record ? static_cast<std::size_t>(index_ - c.first_record) : 0;
    }
}

} // namespace glass::trace
