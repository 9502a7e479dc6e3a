// Consumer side of a hypervisor trace ring (hv/core/trace/ring_layout.hpp),
// on the host: reads what the producer committed straight out of the shared
// RAM mapping, checks that every record frames (size a multiple of 8, at
// least a header, at most kMaxRecordBytes, inside what was committed), hands
// each one to the caller, and then advances `consumed` so the producer may
// reuse the space. A record that wraps around the end of the ring is copied
// into a scratch buffer; all others are passed in place (zero-copy).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hv/core/trace/ring_layout.hpp"
#include "traces/record.hpp"

namespace glass::trace {

struct DrainResult {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
    bool broken = false; // the ring held something that does not frame
    std::string error;   // what and where, when broken
};

class RingReader {
  public:
    // `ctl` and `data` point into the shared mapping (writable: `consumed`
    // is written there).
    RingReader(::trace::RingControl* ctl, const std::uint8_t* data) : ctl_(ctl), data_(data) {}

    // Skips to `pos` if it is ahead of `consumed` (a new recording's start).
    void skip_to(std::uint64_t pos);
    // Everything committed now, at most `max_bytes`. `sink` sees each record
    // (valid only during the call). On a broken ring the rest of what was
    // committed is skipped, so the producer can go on.
    DrainResult drain(const std::function<void(const RecordHeader&)>& sink,
                      std::uint64_t max_bytes = ~0ull);
    std::uint64_t pending() const;

  private:
    ::trace::RingControl* ctl_;
    const std::uint8_t* data_;
    std::vector<std::uint8_t> scratch_;
};

} // namespace glass::trace
