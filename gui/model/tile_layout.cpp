#include "gui/model/tile_layout.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace glass::gui {

namespace {
constexpr const char* kTileNames[] = {"left", "center", "right", "bottom", "floating"};
}

const char* tile_name(Tile t) {
    return kTileNames[static_cast<unsigned>(t)];
}

std::optional<Tile> tile_from_name(const std::string& name) {
    for (unsigned i = 0; i < 5; i++)
        if (name == kTileNames[i]) return static_cast<Tile>(i);
    return std::nullopt;
}

float TileLayout::clamp_frac(float f, float extent) const {
    float lo = extent > 0 ? std::max(kMinFrac, kMinTile / extent) : kMinFrac;
    float hi = 0.6f;
    if (lo > hi) lo = hi;
    return std::clamp(f, lo, hi);
}

Rect TileLayout::tile_rect(Tile t, Rect a) const {
    bool left = tile_used(Tile::Left), right = tile_used(Tile::Right);
    bool bottom = tile_used(Tile::Bottom);
    float bottom_h = bottom ? clamp_frac(bottom_, a.h) * a.h : 0;
    float top_h = a.h - (bottom ? bottom_h + kGap : 0);
    float left_w = left ? clamp_frac(left_, a.w) * a.w : 0;
    float right_w = right ? clamp_frac(right_, a.w) * a.w : 0;
    float center_x = a.x + (left ? left_w + kGap : 0);
    float center_w = a.w - (left ? left_w + kGap : 0) - (right ? right_w + kGap : 0);
    switch (t) {
    case Tile::Left:
        return left ? Rect{a.x, a.y, left_w, top_h} : Rect{a.x, a.y, 0, 0};
    case Tile::Right:
        return right ? Rect{a.x + a.w - right_w, a.y, right_w, top_h} : Rect{a.x + a.w, a.y, 0, 0};
    case Tile::Bottom:
        return bottom ? Rect{a.x, a.y + a.h - bottom_h, a.w, bottom_h} : Rect{a.x, a.y + a.h, 0, 0};
    case Tile::Center:
        return Rect{center_x, a.y, std::max(center_w, 0.f), top_h};
    case Tile::Floating:
        break;
    }
    return {};
}

Rect TileLayout::split_rect(Split s, Rect a) const {
    switch (s) {
    case Split::LeftEdge: {
        Rect l = tile_rect(Tile::Left, a);
        return {l.x + l.w, a.y, l.w > 0 ? kGap : 0, l.h};
    }
    case Split::RightEdge: {
        Rect r = tile_rect(Tile::Right, a);
        return {r.x - kGap, a.y, r.w > 0 ? kGap : 0, r.h};
    }
    case Split::BottomEdge: {
        Rect b = tile_rect(Tile::Bottom, a);
        return {a.x, b.y - kGap, a.w, b.h > 0 ? kGap : 0};
    }
    }
    return {};
}

void TileLayout::drag(Split s, float delta, Rect a) {
    switch (s) {
    case Split::LeftEdge:
        if (a.w > 0) left_ = clamp_frac(clamp_frac(left_, a.w) + delta / a.w, a.w);
        break;
    case Split::RightEdge:
        if (a.w > 0) right_ = clamp_frac(clamp_frac(right_, a.w) - delta / a.w, a.w);
        break;
    case Split::BottomEdge:
        if (a.h > 0) bottom_ = clamp_frac(clamp_frac(bottom_, a.h) - delta / a.h, a.h);
        break;
    }
}

void TileLayout::add_panel(const std::string& name, Tile default_tile, bool default_open) {
    if (places_.count(name)) return;
    order_.push_back(name);
    auto saved = saved_.find(name);
    places_[name] = saved != saved_.end() ? saved->second : PanelPlace{default_tile, default_open};
}

PanelPlace TileLayout::place(const std::string& name) const {
    auto it = places_.find(name);
    return it == places_.end() ? PanelPlace{Tile::Center, false} : it->second;
}

void TileLayout::set_open(const std::string& name, bool open) {
    auto it = places_.find(name);
    if (it != places_.end()) it->second.open = open;
}

void TileLayout::move(const std::string& name, Tile to) {
    auto it = places_.find(name);
    if (it != places_.end()) {
        it->second.tile = to;
        it->second.open = true;
    }
}

std::vector<std::string> TileLayout::panels_in(Tile t) const {
    std::vector<std::string> out;
    for (const auto& name : order_) {
        const PanelPlace& p = places_.at(name);
        if (p.open && p.tile == t) out.push_back(name);
    }
    return out;
}

std::vector<std::string> TileLayout::to_lines() const {
    std::vector<std::string> out;
    char buf[128];
    std::snprintf(buf, sizeof buf, "split=left,%.4f,right,%.4f,bottom,%.4f", left_, right_,
                  bottom_);
    out.emplace_back(buf);
    // Panels read from the file but not registered this run (a panel of a
    // newer or older build) are kept, so switching builds loses nothing.
    std::map<std::string, PanelPlace> all = saved_;
    for (const auto& [name, p] : places_)
        all[name] = p;
    for (const auto& [name, p] : all)
        out.push_back("panel=" + name + "," + tile_name(p.tile) + "," + (p.open ? "1" : "0"));
    return out;
}

bool TileLayout::apply_line(const std::string& line) {
    auto fields = [](const std::string& s) {
        std::vector<std::string> f;
        size_t start = 0;
        for (;;) {
            size_t comma = s.find(',', start);
            f.push_back(s.substr(start, comma - start));
            if (comma == std::string::npos) return f;
            start = comma + 1;
        }
    };
    if (line.rfind("split=", 0) == 0) {
        auto f = fields(line.substr(6));
        if (f.size() != 6) return false;
        float* dest[] = {&left_, &right_, &bottom_};
        const char* names[] = {"left", "right", "bottom"};
        for (unsigned i = 0; i < 3; i++) {
            char* end = nullptr;
            float v = std::strtof(f[2 * i + 1].c_str(), &end);
            if (f[2 * i] != names[i] || !end || *end || !(v > 0 && v < 1)) return false;
        }
        for (unsigned i = 0; i < 3; i++)
            *dest[i] = std::strtof(f[2 * i + 1].c_str(), nullptr);
        return true;
    }
    if (line.rfind("panel=", 0) == 0) {
        // The name may itself hold commas: tile and flag are the last two.
        std::string rest = line.substr(6);
        size_t c2 = rest.rfind(',');
        if (c2 == std::string::npos || c2 == 0) return false;
        size_t c1 = rest.rfind(',', c2 - 1);
        if (c1 == std::string::npos || c1 == 0) return false;
        std::string name = rest.substr(0, c1), tile = rest.substr(c1 + 1, c2 - c1 - 1);
        std::string flag = rest.substr(c2 + 1);
        auto t = tile_from_name(tile);
        if (!t || (flag != "0" && flag != "1")) return false;
        PanelPlace p{*t, flag == "1"};
        saved_[name] = p;
        if (places_.count(name)) places_[name] = p;
        return true;
    }
    return false;
}

} // namespace glass::gui
