// Zoom, pan and hit-testing for a grid of cells drawn as one texture (the
// typing map): which part of the grid a view rectangle shows, which cell a
// pixel is on, and zooming about the cursor so the cell under it stays put.
#pragma once

#include "hv/lib/types.hpp"

#include <optional>

namespace glass::gui {

struct UvRect {
    float u0 = 0, v0 = 0, u1 = 1, v1 = 1; // texture coordinates shown
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0; // where, in view pixels
};

class MapViewport {
  public:
    static constexpr float kMinZoom = 1.0f / 64; // pixels per cell
    static constexpr float kMaxZoom = 64;

    void set_grid(unsigned cols, unsigned rows, u64 cells);
    void set_view(float w, float h); // view size in pixels
    // Whole grid visible, centred.
    void fit();
    // Multiply the zoom by `factor` keeping the cell under (px, py) there.
    void zoom_at(float factor, float px, float py);
    // Drag by (dx, dy) pixels.
    void pan(float dx, float dy);

    float zoom() const { return zoom_; }
    // Grid coordinates (in cells, fractional) of view pixel (px, py).
    float cell_x(float px) const { return origin_x_ + px / zoom_; }
    float cell_y(float py) const { return origin_y_ + py / zoom_; }
    // The cell index (row-major) under view pixel (px, py), none outside
    // the grid or past the last cell.
    std::optional<u64> hit(float px, float py) const;
    // View pixel of a cell's top-left corner.
    float pixel_x(u64 cell) const;
    float pixel_y(u64 cell) const;
    // The visible part of the texture and its place in the view.
    UvRect visible() const;
    // Shows `cell` (centred) at the current zoom.
    void centre_on(u64 cell);

  private:
    void clamp();
    unsigned cols_ = 1, rows_ = 1;
    u64 cells_ = 0;
    float w_ = 1, h_ = 1;
    float zoom_ = 1;
    float origin_x_ = 0, origin_y_ = 0; // grid coordinates at the view's top-left
    bool fitted_ = false;               // fit() ran with a real view size
};

} // namespace glass::gui
