// One chunk of records, as the writer seals it and the reader opens it: the
// record framing checks live here once, so both sides agree on what a valid
// chunk is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "traces/file_format.hpp"
#include "traces/record.hpp"
#include "traces/status.hpp"

namespace glass::trace {

// Why `h` cannot be the next record in a chunk of `kind` with `remaining`
// bytes left, as "expected ..., found ..."; empty when it can.
std::string check_record(const RecordHeader& h, std::size_t remaining, ChunkKind kind);

// Why `h` is not a chunk header, empty when it is; `field` is set to the
// offset within the header of the field found wrong.
std::string check_chunk_header(const ChunkHeader& h, std::size_t& field);

// A decoded chunk: the records, 8-byte aligned, and where each starts.
class Chunk {
  public:
    std::uint64_t first_record = 0;
    std::size_t size() const { return offsets_.size(); }
    const RecordHeader* at(std::size_t i) const {
        return reinterpret_cast<const RecordHeader*>(bytes() + offsets_[i]);
    }
    const std::uint8_t* bytes() const {
        return reinterpret_cast<const std::uint8_t*>(words_.data());
    }
    std::uint8_t* resize_bytes(std::size_t n) {
        words_.resize((n + 7) / 8);
        offsets_.clear();
        return reinterpret_cast<std::uint8_t*>(words_.data());
    }
    std::vector<std::uint32_t>& offsets() { return offsets_; }

  private:
    std::vector<std::uint64_t> words_; // uint64 storage keeps records aligned
    std::vector<std::uint32_t> offsets_;
};

class Decompressor {
  public:
    Decompressor();
    ~Decompressor();
    Decompressor(const Decompressor&) = delete;
    Decompressor& operator=(const Decompressor&) = delete;

    // Decodes the stored bytes of the chunk whose header `h` sits at file
    // offset `at`. On failure `out` keeps every record before the damage.
    Status decode(const ChunkHeader& h, std::uint64_t at, const std::uint8_t* stored, Chunk& out);

  private:
    void* ctx_;
};

class Compressor {
  public:
    explicit Compressor(int level);
    ~Compressor();
    Compressor(const Compressor&) = delete;
    Compressor& operator=(const Compressor&) = delete;

    // Appends the compressed form of raw to out; false on a zstd error.
    bool compress(const std::uint8_t* raw, std::size_t n, std::vector<std::uint8_t>& out,
                  std::string& err);

  private:
    void* ctx_;
    int level_;
};

} // namespace glass::trace
