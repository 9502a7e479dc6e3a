// Search structures over a sorted sequence that keep level-of-detail
// searches in cache. A binary search over millions of spans misses the
// cache at nearly every probe (measured: most of a whole-trace frame went
// there); SampledKeys searches every 32nd key first (a few KB per track)
// and then one 32-item stretch.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gui/trace_view/duration_index.hpp"

namespace glass::tv {

class SampledKeys {
  public:
    static constexpr std::size_t kStride = 32;

    // `key(i)` ascending for i < n.
    template <class Key>
    void build(std::size_t n, Key&& key) {
        n_ = n;
        samples_.clear();
        samples_.reserve(n / kStride + 1);
        for (std::size_t i = 0; i < n; i += kStride)
            samples_.push_back(key(i));
    }

    // First p in [lo, hi) with key(p) >= t, or hi.
    template <class Key>
    std::size_t lower(std::size_t lo, std::size_t hi, double t, Key&& key) const {
        if (lo >= hi) return hi;
        if (t <= 0) return lo;
        const std::uint64_t target = t >= 1.8e19 ? ~std::uint64_t(0) : std::uint64_t(std::ceil(t));
        // Samples: first sample s with key >= target; the answer lies in
        // (sample s-1, sample s].
        std::size_t a = 0, b = samples_.size();
        while (a < b) {
            std::size_t mid = (a + b) / 2;
            if (samples_[mid] < target) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        std::size_t from = a == 0 ? 0 : (a - 1) * kStride + 1;
        std::size_t to = a * kStride < n_ ? a * kStride : n_;
        while (from < to) {
            std::size_t mid = (from + to) / 2;
            if (key(mid) < target) {
                from = mid + 1;
            } else {
                to = mid;
            }
        }
        return from < lo ? lo : from > hi ? hi : from;
    }

    std::size_t memory_bytes() const { return samples_.capacity() * sizeof(std::uint64_t); }

  private:
    std::size_t n_ = 0;
    std::vector<std::uint64_t> samples_;
};

// What level-of-detail needs over one level's spans (or a filtered selection
// of them): start times to search, the longest span in any range (is
// anything here a pixel wide?) and the widest gap between neighbours in any
// range (does this run break?).
struct LevelIndex {
    SampledKeys starts;
    DurationIndex longest;
    DurationIndex gaps; // gap before item i: start(i) - end(i-1), saturated; item 0: max

    // `at(i)` gives the i-th span (start_ns, end_ns(), duration_ns).
    template <class At>
    void build(std::size_t n, At&& at) {
        starts.build(n, [&](std::size_t i) { return at(i).start_ns; });
        longest.build(n, [&](std::size_t i) { return at(i).duration_ns; });
        gaps.build(n, [&](std::size_t i) -> std::uint32_t {
            if (i == 0) return ~std::uint32_t(0);
            const std::uint64_t s = at(i).start_ns, e = at(i - 1).end_ns();
            const std::uint64_t g = s > e ? s - e : 0;
            return g > ~std::uint32_t(0) ? ~std::uint32_t(0) : std::uint32_t(g);
        });
    }
    std::size_t memory_bytes() const {
        return starts.memory_bytes() + longest.memory_bytes() + gaps.memory_bytes();
    }
};

} // namespace glass::tv
