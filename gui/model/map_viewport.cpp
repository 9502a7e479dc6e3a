#include "gui/model/map_viewport.hpp"

#include <algorithm>
#include <cmath>

namespace glass::gui {

void MapViewport::set_grid(unsigned cols, unsigned rows, u64 cells) {
    bool changed = cols != cols_ || rows != rows_;
    cols_ = std::max(cols, 1u);
    rows_ = std::max(rows, 1u);
    cells_ = cells;
    if (changed) fitted_ = false;
}

void MapViewport::set_view(float w, float h) {
    w_ = std::max(w, 1.f);
    h_ = std::max(h, 1.f);
    // The first real view size after a new grid: show all of it.
    if (!fitted_ && w > 1 && h > 1)
        fit();
    else
        clamp();
}

void MapViewport::fit() {
    fitted_ = w_ > 1 && h_ > 1;
    zoom_ = std::clamp(std::min(w_ / static_cast<float>(cols_), h_ / static_cast<float>(rows_)),
                       kMinZoom, kMaxZoom);
    origin_x_ = (static_cast<float>(cols_) - w_ / zoom_) / 2;
    origin_y_ = (static_cast<float>(rows_) - h_ / zoom_) / 2;
    clamp();
}

void MapViewport::zoom_at(float factor, float px, float py) {
    float gx = cell_x(px), gy = cell_y(py);
    zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
    origin_x_ = gx - px / zoom_;
    origin_y_ = gy - py / zoom_;
    clamp();
}

void MapViewport::pan(float dx, float dy) {
    origin_x_ -= dx / zoom_;
    origin_y_ -= dy / zoom_;
    clamp();
}

// Keep some of the grid in view: a side may go past the edge by at most
// half the view, and a grid smaller than the view stays centred.
void MapViewport::clamp() {
    auto axis = [](float& origin, float extent_cells, float view_cells) {
        if (extent_cells <= view_cells) {
            origin = (extent_cells - view_cells) / 2;
            return;
        }
        origin = std::clamp(origin, -view_cells / 2, extent_cells - view_cells / 2);
    };
    axis(origin_x_, static_cast<float>(cols_), w_ / zoom_);
    axis(origin_y_, static_cast<float>(rows_), h_ / zoom_);
}

std::optional<u64> MapViewport::hit(float px, float py) const {
    if (px < 0 || py < 0 || px >= w_ || py >= h_) return std::nullopt;
    float gx = std::floor(cell_x(px)), gy = std::floor(cell_y(py));
    if (gx < 0 || gy < 0 || gx >= static_cast<float>(cols_) || gy >= static_cast<float>(rows_))
        return std::nullopt;
    u64 cell = static_cast<u64>(gy) * cols_ + static_cast<u64>(gx);
    if (cell >= cells_) return std::nullopt;
    return cell;
}

float MapViewport::pixel_x(u64 cell) const {
    return (static_cast<float>(cell % cols_) - origin_x_) * zoom_;
}
float MapViewport::pixel_y(u64 cell) const {
    return (static_cast<float>(cell / cols_) - origin_y_) * zoom_;
}

UvRect MapViewport::visible() const {
    UvRect r;
    float gx0 = std::max(origin_x_, 0.f), gy0 = std::max(origin_y_, 0.f);
    float gx1 = std::min(origin_x_ + w_ / zoom_, static_cast<float>(cols_));
    float gy1 = std::min(origin_y_ + h_ / zoom_, static_cast<float>(rows_));
    if (gx1 <= gx0 || gy1 <= gy0) return UvRect{0, 0, 0, 0, 0, 0, 0, 0};
    r.u0 = gx0 / static_cast<float>(cols_);
    r.u1 = gx1 / static_cast<float>(cols_);
    r.v0 = gy0 / static_cast<float>(rows_);
    r.v1 = gy1 / static_cast<float>(rows_);
    r.x0 = (gx0 - origin_x_) * zoom_;
    r.x1 = (gx1 - origin_x_) * zoom_;
    r.y0 = (gy0 - origin_y_) * zoom_;
    r.y1 = (gy1 - origin_y_) * zoom_;
    return r;
}

void MapViewport::centre_on(u64 cell) {
    origin_x_ = static_cast<float>(cell % cols_) + 0.5f - w_ / zoom_ / 2;
    origin_y_ = static_cast<float>(cell / cols_) + 0.5f - h_ / zoom_ / 2;
    clamp();
}

} // namespace glass::gui
