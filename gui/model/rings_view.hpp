// The I/O rings panel's model: the selected domain's rings from the last
// reads (introspect/lib/rings.hpp), laid out for drawing each circular
// buffer as a circle of cells, with where each index points, how far it
// moved since the previous read and how fast it moves (requests or bytes
// per second over the last second of reads). Indices are free-running u32
// counters, so every difference is taken modulo 2^32: a wrap is a move.
#pragma once

#include "gui/model/typing_map.hpp"
#include "introspect/lib/rings.hpp"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace glass::gui {

// The panel's colours, here so tests can find them in screenshots
// (--print-palette prints them from these constants).
constexpr Rgba kRingConsole = rgba(70, 110, 190);     // empty cells of a console ring
constexpr Rgba kRingStore = rgba(130, 90, 180);       // ... of a store ring
constexpr Rgba kRingBlkif = rgba(40, 150, 140);       // ... of a block ring
constexpr Rgba kRingOutstanding = rgba(235, 170, 40); // produced, not yet consumed
constexpr Rgba kRingProducer = rgba(90, 220, 90);     // producer marker (outside the ring)
constexpr Rgba kRingConsumer = rgba(230, 80, 80);     // consumer marker (inside the ring)
constexpr Rgba kRingThreshold = rgba(200, 200, 200);  // event thresholds (req_event, ...)
Rgba ring_colour(const std::string& kind);            // the empty-cell colour of a kind

struct IndexMark {
    enum class Role { Consumer, Producer, Threshold };
    std::string name;
    unsigned at = 0; // position in RingSnapshot::indices
    Role role = Role::Threshold;
    u32 value = 0;
    u32 slot = 0;        // value mod the buffer's size
    double fraction = 0; // slot / size: where it points, clockwise from the top
    bool seen_before = false;
    i64 moved = 0;   // since the previous read, modulo 2^32 as a signed step
    i64 total = 0;   // moved since this ring was first read
    double rate = 0; // per second over the reads of the last kRateWindow seconds
};

struct CircleView {
    std::string name;             // in, out, req, rsp, requests
    u32 size = 0;                 // entries
    u32 per_cell = 1;             // entries per drawn cell: byte buffers are bucketed
    std::vector<float> fill;      // per cell, the share of its entries outstanding
    u32 outstanding = 0;          // producer - consumer
    std::vector<IndexMark> marks; // consumer, producer, then thresholds
};

struct RingView {
    RingSnapshot ring;
    std::vector<CircleView> circles;
    // The reader's problem, or one seen between reads (an index that went
    // back: shared indices only ever move forward).
    std::string problem;
};

class RingsView {
  public:
    static constexpr u32 kMaxCells = 64;     // a 2048-byte buffer draws as 64 cells of 32 bytes
    static constexpr double kRateWindow = 1; // seconds of reads a rate averages over

    // A new read of domain `s.domid` at time `now` (seconds); another domain
    // starts afresh, as does a ring whose page moved.
    void update(const RingsSnapshot& s, double now);
    const std::vector<RingView>& rings() const { return rings_; }
    u16 domid() const { return domid_; }

  private:
    struct Read {
        double at;
        std::vector<u32> values;
    };
    struct History {
        std::deque<Read> reads;
        std::vector<i64> totals;
    };
    u16 domid_ = 0xffff;
    std::vector<RingView> rings_;
    std::map<std::string, History> history_; // by kind and mfn
};

} // namespace glass::gui
