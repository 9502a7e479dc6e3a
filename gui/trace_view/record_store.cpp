#include "gui/trace_view/record_store.hpp"

#include <cstring>

namespace glass::tv {

using namespace glass::trace;

std::unique_ptr<RecordStore> RecordStore::open(const std::string& path, std::string& error) {
    auto source = open_file_source(path, error);
    if (!source) return nullptr;
    auto reader = std::make_unique<Reader>(std::move(source));
    if (Status s = reader->open(); !s) {
        error = path + ": " + s.error().to_string();
        return nullptr;
    }
    return std::make_unique<RecordStore>(std::move(reader));
}

RecordStore::RecordStore(std::unique_ptr<Reader> reader) : reader_(std::move(reader)) {}

bool RecordStore::read(std::uint64_t index, std::vector<std::uint64_t>& out, std::string& error) {
    std::lock_guard lock(mu_);
    out.clear();
    if (index >= reader_->record_count()) {
        error = "record " + std::to_string(index) + " is past the end (" +
                std::to_string(reader_->record_count()) + " records)";
        return false;
    }
    const std::size_t ci = reader_->chunk_of(index);
    const ChunkInfo& info = reader_->chunks()[ci];
    Cached* slot = nullptr;
    for (Cached& c : cache_)
        if (c.chunk == ci) slot = &c;
    if (!slot) {
        slot = &cache_[0];
        for (Cached& c : cache_)
            if (c.used < slot->used) slot = &c;
        slot->chunk = ~std::size_t(0);
        Status s = reader_->read_chunk(info, slot->data);
        if (!s) {
            // The records before the damage are still good; keep them.
            error = s.error().to_string();
            if (index - info.first_record >= slot->data.size()) return false;
        }
        slot->chunk = s ? ci : ~std::size_t(0);
    }
    slot->used = ++clock_;
    const std::uint64_t k = index - info.first_record;
    if (k >= slot->data.size()) {
        error = "record " + std::to_string(index) + " is not in its chunk";
        return false;
    }
    const RecordHeader* r = slot->data.at(std::size_t(k));
    out.resize((r->size + 7) / 8);
    std::memcpy(out.data(), r, r->size);
    return true;
}

} // namespace glass::tv
