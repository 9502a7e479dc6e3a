// "Where is the first item in [a, b) at least T long?" in O(log n), over a
// sequence of durations. Level-of-detail folds runs of sub-pixel spans into
// one mark; this is how it proves that a run it folds hides nothing wider
// than a pixel without looking at every span in the run.
//
// Leaves are blocks of kBlock items (their longest duration); a binary tree
// of maxima sits over the blocks. Memory: about one u32 per 4 items.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace glass::tv {

class DurationIndex {
  public:
    static constexpr std::size_t kBlock = 8;

    // `dur(i)` gives item i's duration, for i < n.
    template <class Dur>
    void build(std::size_t n, Dur&& dur) {
        n_ = n;
        const std::size_t blocks = (n + kBlock - 1) / kBlock;
        leaves_ = 1;
        while (leaves_ < blocks)
            leaves_ *= 2;
        tree_.assign(2 * leaves_, 0);
        for (std::size_t i = 0; i < n; i++) {
            std::uint32_t& m = tree_[leaves_ + i / kBlock];
            if (dur(i) > m) m = dur(i);
        }
        for (std::size_t k = leaves_ - 1; k >= 1; k--)
            tree_[k] = tree_[2 * k] > tree_[2 * k + 1] ? tree_[2 * k] : tree_[2 * k + 1];
    }

    // The first i in [a, b) with dur(i) >= t, or b when there is none.
    template <class Dur>
    std::size_t first_at_least(std::size_t a, std::size_t b, std::uint32_t t, Dur&& dur) const {
        if (b > n_) b = n_;
        if (a >= b) return b;
        const std::size_t ba = a / kBlock, bb = (b - 1) / kBlock;
        const std::size_t head_end = ba == bb ? b : (ba + 1) * kBlock;
        for (std::size_t i = a; i < head_end; i++)
            if (dur(i) >= t) return i;
        if (ba == bb) return b;
        const std::size_t blk = first_block(1, 0, leaves_, ba + 1, bb, t);
        if (blk < bb) {
            for (std::size_t i = blk * kBlock;; i++)
                if (dur(i) >= t) return i;
        }
        for (std::size_t i = bb * kBlock; i < b; i++)
            if (dur(i) >= t) return i;
        return b;
    }

    std::size_t size() const { return n_; }
    std::size_t memory_bytes() const { return tree_.size() * sizeof(std::uint32_t); }

  private:
    // First block in [lo, hi) whose longest item is >= t, or hi; node covers
    // blocks [nlo, nhi).
    std::size_t first_block(std::size_t node, std::size_t nlo, std::size_t nhi, std::size_t lo,
                            std::size_t hi, std::uint32_t t) const {
        if (nhi <= lo || nlo >= hi || tree_[node] < t) return hi;
        if (nhi - nlo == 1) return nlo;
        const std::size_t mid = (nlo + nhi) / 2;
        const std::size_t left = first_block(2 * node, nlo, mid, lo, hi, t);
        if (left < hi) return left;
        return first_block(2 * node + 1, mid, nhi, lo, hi, t);
    }

    std::size_t n_ = 0;
    std::size_t leaves_ = 1;
    std::vector<std::uint32_t> tree_;
};

} // namespace glass::tv
