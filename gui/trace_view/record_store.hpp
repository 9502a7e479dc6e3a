// Full records on demand: the model keeps 16 bytes per record, this reads
// the rest (arguments, guest memory read, payloads) from the trace file when
// a panel shows a record. A few decoded chunks are cached, so paging through
// the table or stepping record by record decompresses each chunk once.
// Thread-safe: panels and background jobs may ask at the same time.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "traces/reader.hpp"

namespace glass::tv {

class RecordStore {
  public:
    // Null with `error` set when the file cannot be opened.
    static std::unique_ptr<RecordStore> open(const std::string& path, std::string& error);
    explicit RecordStore(std::unique_ptr<trace::Reader> reader);

    // Copies event record `index` into `out` (8-byte aligned storage, so it
    // can be viewed as its record struct). False with `error` on damage.
    bool read(std::uint64_t index, std::vector<std::uint64_t>& out, std::string& error);
    std::uint64_t record_count() const { return reader_->record_count(); }
    trace::Reader& reader() { return *reader_; }

  private:
    struct Cached {
        std::size_t chunk = ~std::size_t(0);
        std::uint64_t used = 0;
        trace::Chunk data;
    };
    static constexpr std::size_t kCachedChunks = 6;

    std::mutex mu_;
    std::unique_ptr<trace::Reader> reader_;
    Cached cache_[kCachedChunks];
    std::uint64_t clock_ = 0;
};

// View of a copied record as its header.
inline const trace::RecordHeader* header_of(const std::vector<std::uint64_t>& bytes) {
    return bytes.empty() ? nullptr : reinterpret_cast<const trace::RecordHeader*>(bytes.data());
}

} // namespace glass::tv
