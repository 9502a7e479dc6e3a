#include "gui/model/tile_layout.hpp"

#include <catch2/catch.hpp>

using namespace glass::gui;

namespace {
TileLayout three_tiles() {
    TileLayout l;
    l.add_panel("Domains", Tile::Left);
    l.add_panel("Memory map", Tile::Center);
    l.add_panel("Console", Tile::Bottom);
    return l;
}
} // namespace

TEST_CASE("tiles partition the area without overlap", "[gui][layout]") {
    TileLayout l = three_tiles();
    Rect area{0, 20, 1280, 680};
    Rect left = l.tile_rect(Tile::Left, area), center = l.tile_rect(Tile::Center, area);
    Rect bottom = l.tile_rect(Tile::Bottom, area), right = l.tile_rect(Tile::Right, area);
    CHECK(right.w == 0); // no panel on the right: the centre gets its room
    CHECK(left.x == 0);
    CHECK(center.x == Approx(left.w + TileLayout::kGap));
    CHECK(center.x + center.w == Approx(1280));
    CHECK(bottom.y + bottom.h == Approx(700));
    CHECK(left.y + left.h + TileLayout::kGap == Approx(bottom.y));
    CHECK(left.w >= TileLayout::kMinTile);
    // A point in each tile is in that tile only.
    CHECK(left.contains(10, 100));
    CHECK_FALSE(center.contains(10, 100));
    CHECK(bottom.contains(640, 690));
}

TEST_CASE("dragging a splitter resizes and clamps", "[gui][layout]") {
    TileLayout l = three_tiles();
    Rect area{0, 0, 1000, 800};
    float before = l.tile_rect(Tile::Left, area).w;
    l.drag(Split::LeftEdge, 100, area);
    CHECK(l.tile_rect(Tile::Left, area).w == Approx(before + 100));
    l.drag(Split::LeftEdge, -5000, area);
    CHECK(l.tile_rect(Tile::Left, area).w == Approx(TileLayout::kMinTile));
    l.drag(Split::BottomEdge, -10000, area);
    CHECK(l.tile_rect(Tile::Bottom, area).h == Approx(0.6f * 800));
}

TEST_CASE("layout survives the ini round trip, unknown lines are skipped", "[gui][layout]") {
    TileLayout l = three_tiles();
    l.move("Console", Tile::Right);
    l.set_open("Domains", false);
    l.drag(Split::LeftEdge, 50, {0, 0, 1000, 800});
    TileLayout m;
    for (const auto& line : l.to_lines())
        CHECK(m.apply_line(line));
    CHECK_FALSE(m.apply_line("panel=x,nowhere,1"));
    CHECK_FALSE(m.apply_line("split=left,2,right,0.3,bottom,0.3"));
    CHECK_FALSE(m.apply_line("something new"));
    // Saved places win over the defaults panels register with, whichever
    // comes first.
    m.add_panel("Domains", Tile::Left);
    m.add_panel("Memory map", Tile::Center);
    m.add_panel("Console", Tile::Bottom);
    CHECK_FALSE(m.is_open("Domains"));
    CHECK(m.place("Console").tile == Tile::Right);
    CHECK(m.left_frac() == Approx(l.left_frac()).epsilon(1e-3));
    CHECK(m.panels_in(Tile::Right) == std::vector<std::string>{"Console"});
}

TEST_CASE("panel names with commas and unregistered panels are kept", "[gui][layout]") {
    TileLayout l;
    CHECK(l.apply_line("panel=Trace, table,bottom,1"));
    CHECK(l.apply_line("panel=Future panel,left,0"));
    l.add_panel("Trace, table", Tile::Center);
    CHECK(l.place("Trace, table").tile == Tile::Bottom);
    auto lines = l.to_lines();
    CHECK(std::find(lines.begin(), lines.end(), "panel=Future panel,left,0") != lines.end());
}
