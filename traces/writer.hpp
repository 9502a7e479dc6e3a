// Streaming trace writer: memory stays bounded by one chunk (records_per_chunk
// records or chunk_byte_limit bytes, whichever comes first) plus the index,
// which costs 24 bytes per chunk and 32 per checkpoint. Records are written
// in the order they are appended; the snapshot must come first.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "traces/chunk.hpp"
#include "traces/file_format.hpp"
#include "traces/io.hpp"
#include "traces/record.hpp"
#include "traces/status.hpp"

namespace glass::trace {

struct WriterOptions {
    // 1024: a random seek decompresses ~70 KB (~0.1 ms) for 1% more file than
    // 4096 (measured with glass-trace-bench on 10 million records).
    std::uint32_t records_per_chunk = 1024;
    std::uint32_t chunk_byte_limit = 1u << 20; // uncompressed; at least kMaxRecordBytes
    bool compress = true;
    int zstd_level = 3;
    std::string creator = "glasshouse traces";
    std::uint64_t time_base_ns = 0;
    std::uint64_t created_unix_ns = 0; // 0: now
};

class Writer {
  public:
    explicit Writer(std::unique_ptr<Sink> sink, WriterOptions options = {});
    ~Writer();

    // Initial-state records (Snap* types), before the first append().
    Status add_snapshot(const RecordHeader& record);
    // One event record; its `size` bytes are copied.
    Status append(const RecordHeader& record);
    // Seals the last chunk, writes index and footer, closes the sink.
    Status finish();

    std::uint64_t records() const { return records_; }
    std::uint64_t bytes_written() const { return offset_; }

  private:
    Status add(const RecordHeader& record, ChunkKind kind);
    Status write_header();
    Status seal(ChunkKind kind);
    Status put(const void* p, std::size_t n);

    std::unique_ptr<Sink> sink_;
    WriterOptions opt_;
    Compressor compressor_;
    bool header_written_ = false;
    bool snapshot_sealed_ = false;
    bool finished_ = false;
    Status failed_; // first error; every later call returns it
    std::uint64_t offset_ = 0;
    std::uint64_t records_ = 0;
    std::vector<std::uint8_t> raw_;
    std::uint32_t raw_count_ = 0;
    std::uint64_t raw_first_ = 0;
    std::vector<std::uint8_t> stored_;
    std::vector<IndexChunk> index_;
    std::vector<IndexCheckpoint> checkpoints_;
};

} // namespace glass::trace
