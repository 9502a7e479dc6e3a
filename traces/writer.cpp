#include "traces/writer.hpp"

#include <chrono>
#include <cstring>

#include "traces/crc32.hpp"

namespace glass::trace {

Writer::Writer(std::unique_ptr<Sink> sink, WriterOptions options)
    : sink_(std::move(sink)), opt_(std::move(options)), compressor_(opt_.zstd_level) {
    if (opt_.records_per_chunk == 0 || opt_.records_per_chunk > kMaxRecordsPerChunk)
        failed_ = Status::fail(0, "expected records_per_chunk in 1.." +
                                      std::to_string(kMaxRecordsPerChunk));
    if (opt_.chunk_byte_limit < kMaxRecordBytes || opt_.chunk_byte_limit > kMaxChunkRawBytes)
        failed_ =
            Status::fail(0, "expected chunk_byte_limit in " + std::to_string(kMaxRecordBytes) +
                                ".." + std::to_string(kMaxChunkRawBytes));
    raw_.reserve(opt_.chunk_byte_limit);
}

Writer::~Writer() = default;

Status Writer::put(const void* p, std::size_t n) {
    if (Status s = sink_->write(p, n); !s) {
        failed_ = s;
        return s;
    }
    offset_ += n;
    return {};
}

Status Writer::write_header() {
    FileHeader h{};
    std::memcpy(h.magic, kFileMagic, sizeof h.magic);
    h.version_major = kVersionMajor;
    h.version_minor = kVersionMinor;
    h.version_patch = kVersionPatch;
    h.header_bytes = sizeof(FileHeader);
    h.flags = opt_.compress ? kFlagCompressed : 0;
    h.records_per_chunk = opt_.records_per_chunk;
    h.created_unix_ns = opt_.created_unix_ns;
    if (!h.created_unix_ns)
        h.created_unix_ns =
            static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
    h.time_base_ns = opt_.time_base_ns;
    std::strncpy(h.creator, opt_.creator.c_str(), sizeof h.creator - 1);
    h.header_crc = crc32(&h, offsetof(FileHeader, header_crc));
    header_written_ = true;
    return put(&h, sizeof h);
}

// Writes the buffered records as one chunk. Snapshot chunks may be empty (a
// file always has one, so the layout never depends on whether there was a
// snapshot); record chunks never are.
Status Writer::seal(ChunkKind kind) {
    if (!header_written_)
        if (Status s = write_header(); !s) return s;
    ChunkHeader h{};
    h.magic = kChunkMagic;
    h.kind = static_cast<std::uint16_t>(kind);
    h.raw_bytes = static_cast<std::uint32_t>(raw_.size());
    h.first_record = kind == ChunkKind::Records ? raw_first_ : 0;
    h.record_count = raw_count_;
    const std::uint8_t* data = raw_.data();
    std::size_t n = raw_.size();
    if (opt_.compress && n) {
        stored_.clear();
        std::string err;
        if (!compressor_.compress(raw_.data(), n, stored_, err))
            return failed_ = Status::fail(offset_, "zstd compression failed: " + err);
        data = stored_.data();
        n = stored_.size();
        h.codec = static_cast<std::uint16_t>(Codec::Zstd);
    }
    h.stored_bytes = static_cast<std::uint32_t>(n);
    h.data_crc = crc32(data, n);
    h.header_crc = crc32(&h, offsetof(ChunkHeader, header_crc));
    if (kind == ChunkKind::Records)
        index_.push_back({offset_, raw_first_, raw_count_, h.raw_bytes});
    if (Status s = put(&h, sizeof h); !s) return s;
    if (Status s = put(data, n); !s) return s;
    if (kind == ChunkKind::Records) raw_first_ += raw_count_;
    raw_.clear();
    raw_count_ = 0;
    return {};
}

Status Writer::add(const RecordHeader& r, ChunkKind kind) {
    if (!failed_) return failed_;
    if (finished_) return Status::fail(offset_, "expected no records after finish()");
    // Check the header before trusting its size (the bytes after it are the
    // caller's); a zero-length tail makes check_record see exactly `size`.
    if (std::string why = check_record(r, r.size, kind); !why.empty())
        return failed_ = Status::fail(offset_, "record " + std::to_string(records_) + ": " + why);
    if (raw_.size() + r.size > opt_.chunk_byte_limit ||
        (kind == ChunkKind::Records && raw_count_ == opt_.records_per_chunk))
        if (Status s = seal(kind); !s) return s;
    auto p = reinterpret_cast<const std::uint8_t*>(&r);
    raw_.insert(raw_.end(), p, p + r.size);
    raw_count_++;
    return {};
}

Status Writer::add_snapshot(const RecordHeader& record) {
    if (snapshot_sealed_)
        return Status::fail(offset_, "expected snapshot records before the first event record");
    return add(record, ChunkKind::Snapshot);
}

Status Writer::append(const RecordHeader& r) {
    if (!snapshot_sealed_ && failed_) {
        if (Status s = seal(ChunkKind::Snapshot); !s) return s;
        snapshot_sealed_ = true;
    }
    if (Status s = add(r, ChunkKind::Records); !s) return s;
    if (auto c = record_as<Checkpoint>(&r, RecordType::Checkpoint))
        checkpoints_.push_back({records_, r.time_ns, c->frame_table_hash, c->evtchn_hash});
    records_++;
    return {};
}

Status Writer::finish() {
    if (!failed_) return failed_;
    if (finished_) return Status::fail(offset_, "expected finish() once");
    if (!snapshot_sealed_) {
        if (Status s = seal(ChunkKind::Snapshot); !s) return s;
        snapshot_sealed_ = true;
    }
    if (raw_count_)
        if (Status s = seal(ChunkKind::Records); !s) return s;
    finished_ = true;

    IndexHeader ih{};
    ih.magic = kIndexMagic;
    ih.chunk_count = static_cast<std::uint32_t>(index_.size());
    ih.checkpoint_count = static_cast<std::uint32_t>(checkpoints_.size());
    ih.record_count = records_;
    Footer f{};
    f.index_offset = offset_;
    f.index_bytes = sizeof ih + index_.size() * sizeof(IndexChunk) +
                    checkpoints_.size() * sizeof(IndexCheckpoint);
    f.index_crc = crc32(&ih, sizeof ih);
    f.index_crc = crc32(f.index_crc, index_.data(), index_.size() * sizeof(IndexChunk));
    f.index_crc =
        crc32(f.index_crc, checkpoints_.data(), checkpoints_.size() * sizeof(IndexCheckpoint));
    f.footer_crc = crc32(&f, offsetof(Footer, footer_crc));
    std::memcpy(f.magic, kFooterMagic, sizeof f.magic);
    if (Status s = put(&ih, sizeof ih); !s) return s;
    if (Status s = put(index_.data(), index_.size() * sizeof(IndexChunk)); !s) return s;
    if (Status s = put(checkpoints_.data(), checkpoints_.size() * sizeof(IndexCheckpoint)); !s)
        return s;
    if (Status s = put(&f, sizeof f); !s) return s;
    if (Status s = sink_->close(); !s) return failed_ = s;
    return {};
}

} // namespace glass::trace
