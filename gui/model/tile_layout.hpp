// The workbench's tiled layout as plain data: four tiles (left, centre,
// right, bottom) whose sizes are fractions of the window, which tile each
// panel sits in (or floating in its own window), which panels are open, and
// the text form the shell persists in imgui.ini. Dear ImGui 1.86 has no
// docking, so the shell draws each tile as one window with a tab per panel;
// everything it needs to decide where is here, tested without a window.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace glass::gui {

enum class Tile : unsigned char { Left, Center, Right, Bottom, Floating };
constexpr unsigned kDockedTiles = 4; // Floating is not a tile on screen

const char* tile_name(Tile t);
std::optional<Tile> tile_from_name(const std::string& name);

struct Rect {
    float x = 0, y = 0, w = 0, h = 0;
    bool contains(float px, float py) const {
        return px >= x && py >= y && px < x + w && py < y + h;
    }
};

// The boundaries a user can drag.
enum class Split : unsigned char { LeftEdge, RightEdge, BottomEdge };

struct PanelPlace {
    Tile tile = Tile::Center;
    bool open = true;
};

class TileLayout {
  public:
    static constexpr float kGap = 4;         // pixels between tiles (the splitters)
    static constexpr float kMinTile = 120;   // a tile never gets narrower/lower
    static constexpr float kMinFrac = 0.08f; // nor a fraction below this

    // Rectangle of each docked tile inside `area`; a side tile with no open
    // panel gives its room to the centre (its rectangle is then empty).
    Rect tile_rect(Tile t, Rect area) const;
    // The splitter's rectangle (kGap wide) for hit-testing and drawing.
    Rect split_rect(Split s, Rect area) const;
    // Moves a boundary by `delta` pixels, clamped so every tile keeps
    // kMinTile pixels (or the area is too small, then kMinFrac).
    void drag(Split s, float delta, Rect area);

    // Panels: the shell registers each with its default tile; a place read
    // from the ini file wins over the default.
    void add_panel(const std::string& name, Tile default_tile, bool default_open = true);
    PanelPlace place(const std::string& name) const;
    void set_open(const std::string& name, bool open);
    void move(const std::string& name, Tile to);
    bool is_open(const std::string& name) const { return place(name).open; }
    // Open panels in `t`, in registration order.
    std::vector<std::string> panels_in(Tile t) const;
    bool tile_used(Tile t) const { return !panels_in(t).empty(); }

    float left_frac() const { return left_; }
    float right_frac() const { return right_; }
    float bottom_frac() const { return bottom_; }

    // ini: "split=left,0.22,right,0.28,bottom,0.3" and
    // "panel=<name>,<tile>,<0|1>" lines; unknown or malformed lines are
    // skipped (a newer or hand-edited file must not stop the app), returning
    // false so callers can say so.
    std::vector<std::string> to_lines() const;
    bool apply_line(const std::string& line);

  private:
    float clamp_frac(float f, float extent) const;
    float left_ = 0.22f, right_ = 0.30f, bottom_ = 0.32f;
    std::vector<std::string> order_;
    std::map<std::string, PanelPlace> places_;
    std::map<std::string, PanelPlace> saved_; // read before the panel registered
};

} // namespace glass::gui
