#include "traces/live/ring_reader.hpp"

#include <cstring>

namespace glass::trace {

using ::trace::ring_load;
using ::trace::ring_store;

void RingReader::skip_to(std::uint64_t pos) {
    std::uint64_t consumed = ring_load(ctl_->consumed);
    std::uint64_t produced = ring_load(ctl_->produced);
    if (pos > consumed && pos <= produced) ring_store(ctl_->consumed, pos);
}

std::uint64_t RingReader::pending() const {
    return ring_load(ctl_->produced) - ring_load(ctl_->consumed);
}

DrainResult RingReader::drain(const std::function<void(const RecordHeader&)>& sink,
                              std::uint64_t max_bytes) {
    DrainResult out;
    std::uint64_t size = ctl_->size;
    std::uint64_t consumed = ring_load(ctl_->consumed);
    std::uint64_t produced = ring_load(ctl_->produced); // acquire: the bytes before it are there
    auto fail = [&](std::uint64_t pos, const std::string& what) {
        out.broken = true;
        out.error = "ring of CPU " + std::to_string(ctl_->cpu) + " at position " +
                    std::to_string(pos) + ": " + what;
        ring_store(ctl_->consumed, produced);
        return out;
    };
    if (size == 0 || (size & (size - 1)))
        return fail(consumed, "size " + std::to_string(size) + " is not a power of two");
    if (produced < consumed || produced - consumed > size)
        return fail(consumed, "producer at " + std::to_string(produced) +
                                  " is not within one ring (" + std::to_string(size) +
                                  " bytes) ahead of the consumer");
    std::uint64_t pos = consumed;
    while (pos < produced && pos - consumed < max_bytes) {
        std::uint64_t avail = produced - pos;
        std::uint64_t at = pos & (size - 1);
        RecordHeader h;
        if (avail < sizeof h)
            return fail(pos, "only " + std::to_string(avail) + " bytes left, expected a header");
        if (at + sizeof h <= size) {
            std::memcpy(&h, data_ + at, sizeof h);
        } else {
            std::uint64_t first = size - at;
            std::memcpy(&h, data_ + at, first);
            std::memcpy(reinterpret_cast<std::uint8_t*>(&h) + first, data_, sizeof h - first);
        }
        if (h.size < sizeof h || h.size % 8 || h.size > kMaxRecordBytes || h.size > avail)
            return fail(pos, "record size " + std::to_string(h.size) + " (type " +
                                 std::to_string(h.type) + "): expected a multiple of 8 in 24.." +
                                 std::to_string(avail < kMaxRecordBytes ? avail : kMaxRecordBytes));
        const RecordHeader* rec;
        if (at + h.size <= size) {
            rec = reinterpret_cast<const RecordHeader*>(data_ + at);
        } else {
            scratch_.resize(h.size);
            std::uint64_t first = size - at;
            std::memcpy(scratch_.data(), data_ + at, first);
            std::memcpy(scratch_.data() + first, data_, h.size - first);
            rec = reinterpret_cast<const RecordHeader*>(scratch_.data());
        }
        sink(*rec);
        pos += h.size;
        out.records++;
    }
    out.bytes = pos - consumed;
    // Release: the producer reuses this space only after we are done with it.
    ring_store(ctl_->consumed, pos);
    return out;
}

} // namespace glass::trace
