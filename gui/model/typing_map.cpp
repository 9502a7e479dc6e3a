#include "gui/model/typing_map.hpp"

#include <algorithm>
#include <cstring>

namespace glass::gui {

Rgba class_colour(FrameClass c) {
    switch (c) {
    case FrameClass::Free:
        return rgba(28, 30, 34);
    case FrameClass::Hypervisor:
        return rgba(150, 60, 200);
    case FrameClass::Io:
        return rgba(70, 70, 70);
    case FrameClass::Ram:
        return rgba(40, 90, 150);
    case FrameClass::L1:
        return rgba(70, 200, 90);
    case FrameClass::L2:
        return rgba(230, 210, 60);
    case FrameClass::L3:
        return rgba(240, 140, 40);
    case FrameClass::L4:
        return rgba(240, 60, 60);
    case FrameClass::SegDesc:
        return rgba(60, 210, 220);
    case FrameClass::Writable:
        return rgba(110, 160, 230);
    case FrameClass::OtherType:
        return rgba(255, 0, 255);
    }
    return rgba(255, 0, 255);
}

Rgba owner_colour(u16 owner) {
    if (owner == mm::kOwnerFree) return class_colour(FrameClass::Free);
    if (owner == mm::kOwnerHypervisor) return class_colour(FrameClass::Hypervisor);
    if (owner == mm::kOwnerIo) return class_colour(FrameClass::Io);
    static constexpr Rgba palette[] = {
        rgba(66, 135, 245), rgba(76, 200, 110),  rgba(240, 170, 50), rgba(230, 80, 90),
        rgba(80, 210, 210), rgba(200, 120, 230), rgba(180, 200, 70), rgba(245, 130, 180),
    };
    return palette[owner % 8];
}

Rgba frame_colour(const mm::FrameInfo& f, MapColouring by) {
    return by == MapColouring::Type ? class_colour(classify(f)) : owner_colour(f.owner);
}

Rgba highlight(Rgba base, float amount) {
    amount = std::clamp(amount, 0.f, 1.f);
    auto mix = [&](unsigned shift, u8 to) {
        float from = static_cast<float>(base >> shift & 0xff);
        return static_cast<u8>(from + (static_cast<float>(to) - from) * amount + 0.5f);
    };
    return rgba(mix(0, 255), mix(8, 255), mix(16, 255));
}

FrameDiff diff_frame_tables(const std::vector<mm::FrameInfo>& before,
                            const std::vector<mm::FrameInfo>& after) {
    FrameDiff d;
    if (before.size() != after.size()) {
        d.resized = true;
        return d;
    }
    // Compare 16-byte records as two words each: this pass touches every
    // frame of a multi-GiB table at every refresh.
    static_assert(sizeof(mm::FrameInfo) == 16);
    const u8* a = reinterpret_cast<const u8*>(before.data());
    const u8* b = reinterpret_cast<const u8*>(after.data());
    for (u64 i = 0; i < after.size(); i++) {
        u64 x[2], y[2];
        std::memcpy(x, a + i * 16, 16);
        std::memcpy(y, b + i * 16, 16);
        if ((x[0] ^ y[0]) | (x[1] ^ y[1])) d.changed.push_back(i);
    }
    return d;
}

unsigned TypingMap::columns_for(u64 frames) {
    unsigned cols = 64;
    while (cols < 4096 && static_cast<u64>(cols) * cols < frames)
        cols *= 2;
    return cols;
}

void TypingMap::paint(u64 mfn, Rgba c) {
    texels_[mfn] = c;
    unsigned row = static_cast<unsigned>(mfn / cols_);
    dirty_lo_ = std::min(dirty_lo_, row);
    dirty_hi_ = std::max(dirty_hi_, row + 1);
}

void TypingMap::repaint_all() {
    for (u64 m = 0; m < prev_.size(); m++)
        texels_[m] = frame_colour(prev_[m], by_);
    std::fill(texels_.begin() + static_cast<long>(prev_.size()), texels_.end(), rgba(0, 0, 0, 0));
    highlights_.clear();
    dirty_lo_ = 0;
    dirty_hi_ = rows_;
}

void TypingMap::set_colouring(MapColouring by) {
    if (by == by_) return;
    by_ = by;
    repaint_all();
}

void TypingMap::reset(const FrameSnapshot& s) {
    prev_ = s.frames;
    cols_ = columns_for(prev_.size());
    rows_ = static_cast<unsigned>((prev_.size() + cols_ - 1) / cols_);
    texels_.assign(static_cast<size_t>(cols_) * rows_, 0);
    last_changes_ = 0;
    repaint_all();
}

void TypingMap::apply(const FrameSnapshot& s, const std::vector<u64>& changed, double now) {
    last_changes_ = changed.size();
    for (u64 m : changed) {
        if (m >= prev_.size()) continue;
        prev_[m] = s.frames[m];
        Rgba c = frame_colour(prev_[m], by_);
        if (highlighting_ && highlights_.size() < kMaxHighlights) {
            highlights_.push_back({m, now});
            c = highlight(c, 1.f);
        }
        paint(m, c);
    }
}

void TypingMap::update(const FrameSnapshot& s, double now) {
    update(s, 0, 0, nullptr, nullptr, now);
}

void TypingMap::update(const FrameSnapshot& s, u64 seq, u64 since, const std::vector<u64>* changed,
                       const FrameCounts* counts, double now) {
    counts_ = counts ? *counts : count_frames(s);
    bool chained = changed && seq_ && since == seq_ && s.frames.size() == prev_.size();
    seq_ = seq;
    if (chained) {
        apply(s, *changed, now);
        return;
    }
    FrameDiff d = diff_frame_tables(prev_, s.frames);
    if (d.resized) {
        reset(s);
        return;
    }
    apply(s, d.changed, now);
}

void TypingMap::tick(double now) {
    if (highlights_.empty() || now - last_tick_ < kFadeStep) return;
    last_tick_ = now;
    // Oldest first: re-blend every fading cell, drop the expired ones with
    // their plain colour back.
    size_t keep_from = 0;
    for (size_t i = 0; i < highlights_.size(); i++) {
        const Flash& f = highlights_[i];
        double age = now - f.at;
        Rgba base = frame_colour(prev_[f.mfn], by_);
        if (age >= kFadeSeconds) {
            paint(f.mfn, base);
            keep_from = i + 1;
        } else {
            paint(f.mfn, highlight(base, static_cast<float>(1.0 - age / kFadeSeconds)));
        }
    }
    highlights_.erase(highlights_.begin(), highlights_.begin() + static_cast<long>(keep_from));
}

bool TypingMap::take_dirty(unsigned& lo, unsigned& hi) {
    if (dirty_lo_ >= dirty_hi_) return false;
    lo = dirty_lo_;
    hi = dirty_hi_;
    dirty_lo_ = ~0u;
    dirty_hi_ = 0;
    return true;
}

} // namespace glass::gui
