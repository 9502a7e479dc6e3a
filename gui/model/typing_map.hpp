// The memory typing map's data: every machine frame as one texel, coloured
// by its type (L1-L4, descriptor, writable, plain RAM, free, hypervisor,
// I/O) or by its owner; frames that changed since the previous snapshot
// flash and fade. The panel uploads texels() into one OpenGL texture (only
// the dirty rows), so millions of frames cost one textured quad, not
// millions of rectangles.
#pragma once

#include "introspect/lib/frames.hpp"

#include <array>
#include <deque>
#include <vector>

namespace glass::gui {

using Rgba = u32; // 0xAABBGGRR: bytes R, G, B, A in memory, as GL_RGBA wants

constexpr Rgba rgba(u8 r, u8 g, u8 b, u8 a = 255) {
    return static_cast<Rgba>(r) | static_cast<Rgba>(g) << 8 | static_cast<Rgba>(b) << 16 |
           static_cast<Rgba>(a) << 24;
}

enum class MapColouring : u8 { Type, Owner };

Rgba class_colour(FrameClass c);
// Distinct colours for domains 0, 1, 2, ...; the special owners (free,
// hypervisor, I/O) keep their type colours so both views read alike.
Rgba owner_colour(u16 owner);
Rgba frame_colour(const mm::FrameInfo& f, MapColouring by);
// `base` blended towards the highlight colour by `amount` (0..1).
Rgba highlight(Rgba base, float amount);

struct FrameDiff {
    std::vector<u64> changed; // machine frame numbers, ascending
    bool resized = false;     // the table grew or shrank: everything is new
};
// What differs between two snapshots' frame tables (any FrameInfo field).
FrameDiff diff_frame_tables(const std::vector<mm::FrameInfo>& before,
                            const std::vector<mm::FrameInfo>& after);

class TypingMap {
  public:
    static constexpr double kFadeSeconds = 2.0;
    static constexpr size_t kMaxHighlights = 1 << 18;
    // Fading cells are re-blended at most this often: each re-blend dirties
    // rows the panel must upload again.
    static constexpr double kFadeStep = 0.1;

    // Columns for `frames` frames: a power of two near a square, so rows
    // start at round machine addresses (512 columns = 2 MiB a row).
    static unsigned columns_for(u64 frames);

    void set_colouring(MapColouring by);
    MapColouring colouring() const { return by_; }
    void set_highlighting(bool on) { highlighting_ = on; }

    // A new snapshot at time `now` (seconds): recolours what changed.
    void update(const FrameSnapshot& s, double now);
    // The same with the work done elsewhere (LiveSource's poller): the
    // frames that differ from the snapshot numbered `since` and the counts.
    // Used only when `since` is the snapshot this map showed last; any gap
    // falls back to diffing.
    void update(const FrameSnapshot& s, u64 seq, u64 since, const std::vector<u64>* changed,
                const FrameCounts* counts, double now);
    // Fades highlights (call every frame before uploading).
    void tick(double now);

    unsigned columns() const { return cols_; }
    unsigned rows() const { return rows_; }
    u64 frames() const { return prev_.size(); }
    const std::vector<Rgba>& texels() const { return texels_; }
    const mm::FrameInfo* frame(u64 mfn) const { return mfn < prev_.size() ? &prev_[mfn] : nullptr; }
    const FrameCounts& counts() const { return counts_; }
    // Frames changed by the latest update(), and how many are still fading.
    size_t last_changes() const { return last_changes_; }
    size_t fading() const { return highlights_.size(); }

    // Rows [lo, hi) whose texels changed since take_dirty() last ran.
    bool take_dirty(unsigned& lo, unsigned& hi);

  private:
    void paint(u64 mfn, Rgba c);
    void apply(const FrameSnapshot& s, const std::vector<u64>& changed, double now);
    void reset(const FrameSnapshot& s);
    void repaint_all();
    struct Flash {
        u64 mfn;
        double at;
    };
    MapColouring by_ = MapColouring::Type;
    bool highlighting_ = true;
    unsigned cols_ = 0, rows_ = 0;
    std::vector<mm::FrameInfo> prev_;
    std::vector<Rgba> texels_;
    std::deque<Flash> highlights_;
    FrameCounts counts_;
    size_t last_changes_ = 0;
    u64 seq_ = 0;
    double last_tick_ = -1;
    unsigned dirty_lo_ = ~0u, dirty_hi_ = 0;
};

} // namespace glass::gui
