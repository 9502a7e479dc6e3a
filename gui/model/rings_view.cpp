#include "gui/model/rings_view.hpp"

#include <algorithm>

namespace glass::gui {

Rgba ring_colour(const std::string& kind) {
    if (kind == "console") return kRingConsole;
    if (kind == "store") return kRingStore;
    return kRingBlkif;
}

namespace {

// The share of cell c's entries that lie in the outstanding stretch
// [cons, cons + n) of a buffer of `size` entries (the stretch may wrap).
float cell_fill(u32 c, u32 per_cell, u32 size, u32 cons, u32 n) {
    u64 lo = u64(c) * per_cell, hi = std::min<u64>(lo + per_cell, size);
    auto overlap = [&](u64 a, u64 b) { // [a, b) within [0, size)
        u64 x = std::max(a, lo), y = std::min(b, hi);
        return y > x ? y - x : 0;
    };
    u64 start = cons % size, end = start + std::min(n, size);
    u64 in = overlap(start, std::min<u64>(end, size)) + (end > size ? overlap(0, end - size) : 0);
    return static_cast<float>(in) / static_cast<float>(hi - lo);
}

IndexMark mark(const RingSnapshot& r, unsigned at, IndexMark::Role role, u32 size) {
    IndexMark m;
    m.name = r.indices[at].first;
    m.at = at;
    m.role = role;
    m.value = r.indices[at].second;
    m.slot = m.value % size;
    m.fraction = static_cast<double>(m.slot) / size;
    return m;
}

CircleView circle(const RingSnapshot& r, const RingSpan& s) {
    CircleView c;
    c.name = s.name;
    c.size = s.size;
    u32 cells = std::min(s.size, RingsView::kMaxCells);
    c.per_cell = (s.size + cells - 1) / cells;
    cells = (s.size + c.per_cell - 1) / c.per_cell;
    u32 cons = r.indices[s.cons].second, prod = r.indices[s.prod].second;
    c.outstanding = prod - cons;
    for (u32 i = 0; i < cells; i++)
        c.fill.push_back(cell_fill(i, c.per_cell, s.size, cons, c.outstanding));
    c.marks.push_back(mark(r, s.cons, IndexMark::Role::Consumer, s.size));
    c.marks.push_back(mark(r, s.prod, IndexMark::Role::Producer, s.size));
    for (unsigned o : s.others)
        c.marks.push_back(mark(r, o, IndexMark::Role::Threshold, s.size));
    return c;
}

bool spans_valid(const RingSnapshot& r) {
    for (const RingSpan& s : r.spans) {
        if (s.size == 0 || s.cons >= r.indices.size() || s.prod >= r.indices.size()) return false;
        for (unsigned o : s.others)
            if (o >= r.indices.size()) return false;
    }
    return true;
}

} // namespace

void RingsView::update(const RingsSnapshot& s, double now) {
    if (s.domid != domid_) {
        history_.clear();
        domid_ = s.domid;
    }
    std::map<std::string, History> next;
    rings_.clear();
    for (const RingSnapshot& r : s.rings) {
        RingView v;
        v.ring = r;
        v.problem = r.problem;
        if (!spans_valid(r)) {
            v.problem = "the reader described buffers with indices it did not read";
            rings_.push_back(std::move(v));
            continue;
        }
        for (const RingSpan& sp : r.spans)
            v.circles.push_back(circle(r, sp));

        // Index movement: against this ring's earlier reads, if it is the
        // same ring (same kind, same page, same indices).
        std::vector<u32> values;
        for (const auto& [name, value] : r.indices)
            values.push_back(value);
        std::string key = r.kind + "@" + std::to_string(r.mfn);
        History h;
        auto old = history_.find(key);
        if (old != history_.end() && !old->second.reads.empty() &&
            old->second.reads.back().values.size() == values.size() &&
            old->second.reads.back().at < now)
            h = std::move(old->second);
        h.totals.resize(values.size(), 0);
        bool seen = !h.reads.empty();
        std::vector<i64> moved(values.size(), 0);
        if (seen)
            for (size_t i = 0; i < values.size(); i++) {
                moved[i] = static_cast<i32>(values[i] - h.reads.back().values[i]);
                h.totals[i] += moved[i];
                if (moved[i] < 0 && v.problem.empty())
                    v.problem = r.indices[i].first + " went back by " + std::to_string(-moved[i]) +
                                " (indices only move forward)";
            }
        h.reads.push_back({now, values});
        // Keep one read at or before the window's start, so a rate always
        // spans the whole window once there is that much history.
        while (h.reads.size() > 2 && h.reads[1].at <= now - kRateWindow)
            h.reads.pop_front();
        const Read& first = h.reads.front();
        double span = now - first.at;
        for (CircleView& c : v.circles)
            for (IndexMark& m : c.marks) {
                unsigned i = m.at;
                m.seen_before = seen;
                m.moved = moved[i];
                m.total = h.totals[i];
                if (span > 0) m.rate = static_cast<i32>(values[i] - first.values[i]) / span;
            }
        next[key] = std::move(h);
        rings_.push_back(std::move(v));
    }
    history_ = std::move(next);
}

} // namespace glass::gui
