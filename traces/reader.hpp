// Trace reader. open() checks the header and the snapshot chunk headers and
// loads the index from the footer; chunks are checked (CRC, decompression,
// record framing) when read. If the footer or index is missing or damaged --
// a truncated or crashed recording -- open() walks the chunks from the start
// instead and keeps every chunk before the first damaged one; damage() then
// says where and what was expected. Seeking to a record costs one table
// lookup and one chunk decompression.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "traces/chunk.hpp"
#include "traces/file_format.hpp"
#include "traces/io.hpp"
#include "traces/status.hpp"

namespace glass::trace {

struct ChunkInfo {
    std::uint64_t offset = 0; // of the ChunkHeader
    std::uint64_t first_record = 0;
    std::uint32_t record_count = 0;
    std::uint32_t raw_bytes = 0;
};

class Reader {
  public:
    explicit Reader(std::unique_ptr<Source> source);

    // Fails only when nothing can be recovered: the header or the snapshot
    // is unreadable. Later damage is reported by damage().
    Status open();

    const FileHeader& header() const { return header_; }
    std::uint64_t file_size() const { return source_->size(); }
    // True when the index and footer were intact (no scan was needed).
    bool indexed() const { return indexed_; }
    // First damage found by open(), if any.
    const std::optional<Error>& damage() const { return damage_; }

    std::uint64_t record_count() const { return record_count_; }
    std::uint64_t snapshot_record_count() const { return snapshot_records_; }
    const std::vector<ChunkInfo>& chunks() const { return chunks_; }
    const std::vector<ChunkInfo>& snapshot_chunks() const { return snapshot_; }
    const std::vector<IndexCheckpoint>& checkpoints() const { return checkpoints_; }

    // Index into chunks() of the chunk holding `record` (< record_count()).
    std::size_t chunk_of(std::uint64_t record) const;
    // Reads, checks and decodes one chunk; on failure `out` keeps the
    // records before the damage.
    Status read_chunk(const ChunkInfo& c, Chunk& out);
    // Reads every chunk; the first damage, if any.
    Status verify();

  private:
    Status read_header();
    Status read_chunk_header(std::uint64_t at, ChunkHeader& h);
    Status read_snapshot_headers(std::uint64_t& end);
    Status load_index(std::uint64_t data_start);
    void scan(std::uint64_t at);
    void build_buckets();

    std::unique_ptr<Source> source_;
    Decompressor decompressor_;
    std::vector<std::uint8_t> stored_;
    FileHeader header_{};
    bool indexed_ = false;
    std::optional<Error> damage_;
    std::uint64_t record_count_ = 0;
    std::uint64_t snapshot_records_ = 0;
    std::vector<ChunkInfo> snapshot_;
    std::vector<ChunkInfo> chunks_;
    std::vector<IndexCheckpoint> checkpoints_;
    // buckets_[k]: the chunk holding record k * records_per_chunk. Chunks
    // hold at most records_per_chunk records, so the chunk for any record is
    // at most a few steps (byte-limited chunks) after its bucket's.
    std::vector<std::uint32_t> buckets_;
};

// Iterates records in order from a starting index, chunk by chunk.
class Cursor {
  public:
    // Event records from `first`.
    Cursor(Reader& reader, std::uint64_t first = 0);
    // Snapshot records.
    static Cursor snapshot(Reader& reader);

    // The next record, or null at the end or on damage (see status()).
    const RecordHeader* next();
    // Index of the record next() returned last.
    std::uint64_t index() const { return index_ - 1; }
    const Status& status() const { return status_; }

  private:
    Cursor(Reader& reader, const std::vector<ChunkInfo>& chunks, std::size_t chunk,
           std::uint64_t first);

    Reader& reader_;
    const std::vector<ChunkInfo>& chunks_;
    std::size_t next_chunk_;
    std::uint64_t index_;
    Chunk chunk_;
    std::size_t pos_ = 0;
    bool loaded_ = false;
    Status pending_; // damage in the loaded chunk, reported after its good records
    Status status_;
};

} // namespace glass::trace
