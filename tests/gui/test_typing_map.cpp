#include "gui/model/frame_view.hpp"
#include "gui/model/map_viewport.hpp"
#include "gui/model/typing_map.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace glass;
using namespace glass::gui;

namespace {
FrameSnapshot snapshot(u64 n) {
    FrameSnapshot s;
    s.frames.resize(n);
    for (auto& f : s.frames)
        f.owner = mm::kOwnerFree;
    return s;
}
mm::FrameInfo typed(u16 owner, mm::FrameType t, u32 type_count = 1) {
    mm::FrameInfo f{};
    f.owner = owner;
    f.type = t;
    f.type_count = type_count;
    f.ref_count = 1;
    return f;
}
} // namespace

TEST_CASE("every frame class has its own colour", "[gui][map]") {
    std::set<Rgba> seen;
    for (unsigned c = 0; c < kFrameClasses; c++)
        seen.insert(class_colour(static_cast<FrameClass>(c)));
    CHECK(seen.size() == kFrameClasses);
    // The type decides the colour only while it has references.
    CHECK(frame_colour(typed(1, mm::FrameType::L1), MapColouring::Type) ==
          class_colour(FrameClass::L1));
    CHECK(frame_colour(typed(1, mm::FrameType::L1, 0), MapColouring::Type) ==
          class_colour(FrameClass::Ram));
    CHECK(frame_colour(typed(mm::kOwnerHypervisor, mm::FrameType::None), MapColouring::Type) ==
          class_colour(FrameClass::Hypervisor));
    // By owner: domains differ, special owners keep their type colours.
    CHECK(owner_colour(1) != owner_colour(2));
    CHECK(owner_colour(mm::kOwnerFree) == class_colour(FrameClass::Free));
    CHECK(highlight(rgba(0, 0, 0), 1) == rgba(255, 255, 255));
    CHECK(highlight(rgba(10, 20, 30), 0) == rgba(10, 20, 30));
}

TEST_CASE("the map recolours only what changed and fades the flash", "[gui][map]") {
    FrameSnapshot s = snapshot(1000);
    s.frames[5] = typed(0, mm::FrameType::L4);
    TypingMap map;
    map.update(s, 0);
    CHECK(map.columns() == 64);
    CHECK(map.rows() == 16);
    CHECK(map.texels()[5] == class_colour(FrameClass::L4));
    CHECK(map.texels()[6] == class_colour(FrameClass::Free));
    CHECK(map.last_changes() == 0); // the first snapshot is not a change
    unsigned lo = 0, hi = 0;
    REQUIRE(map.take_dirty(lo, hi));
    CHECK(lo == 0);
    CHECK(hi == 16);
    CHECK_FALSE(map.take_dirty(lo, hi));

    s.frames[200] = typed(1, mm::FrameType::L1);
    s.frames[201].ref_count = 3; // counts alone change a frame too
    map.update(s, 10);
    CHECK(map.last_changes() == 2);
    CHECK(map.texels()[200] == rgba(255, 255, 255)); // flashing
    REQUIRE(map.take_dirty(lo, hi));
    CHECK(lo == 200 / 64);
    CHECK(hi == 200 / 64 + 1);
    map.tick(10 + TypingMap::kFadeSeconds / 2);
    Rgba mid = map.texels()[200];
    CHECK(mid != rgba(255, 255, 255));
    CHECK(mid != class_colour(FrameClass::L1));
    map.tick(10 + TypingMap::kFadeSeconds + 0.01);
    CHECK(map.texels()[200] == class_colour(FrameClass::L1));
    CHECK(map.fading() == 0);
    CHECK(map.counts().by_class[static_cast<unsigned>(FrameClass::L1)] == 1);

    map.set_colouring(MapColouring::Owner);
    CHECK(map.texels()[200] == owner_colour(1));
}

TEST_CASE("diffing finds exactly the changed frames", "[gui][map]") {
    FrameSnapshot a = snapshot(5000), b = snapshot(5000);
    b.frames[0].type_count = 1;
    b.frames[4999].linear_count = -1;
    b.frames[77].flags = mm::kFramePinned;
    FrameDiff d = diff_frame_tables(a.frames, b.frames);
    CHECK_FALSE(d.resized);
    CHECK(d.changed == std::vector<u64>{0, 77, 4999});
    CHECK(diff_frame_tables(a.frames, snapshot(10).frames).resized);
    CHECK(TypingMap::columns_for(131072) == 512);
    CHECK(TypingMap::columns_for(4u << 20) == 2048);
}

TEST_CASE("viewport fits, zooms about the cursor and hit-tests", "[gui][map]") {
    MapViewport v;
    v.set_grid(512, 256, 512 * 256 - 10);
    v.set_view(1024, 1024);
    CHECK(v.zoom() == Approx(2)); // width-limited
    // Centred vertically: 256 rows * 2 px = 512 px of 1024.
    CHECK(v.hit(0, 100) == std::nullopt);
    CHECK(v.hit(0, 256) == 0u);
    CHECK(v.hit(3, 257) == 1u);
    CHECK(v.hit(1023, 256 + 2 * 255 + 1) == std::nullopt); // past the last cell
    CHECK(v.hit(1023, 256 + 2 * 254) == 254u * 512 + 511);
    // The cell under the cursor stays under it while zooming.
    auto before = v.hit(300, 400);
    v.zoom_at(4, 300, 400);
    CHECK(v.zoom() == Approx(8));
    CHECK(v.hit(300, 400) == before);
    v.pan(-80, 0); // drag left: cells to the right come under the cursor
    CHECK(*v.hit(300, 400) == *before + 10);
    UvRect r = v.visible();
    CHECK(r.u0 > 0);
    CHECK(r.u1 < 1);
    CHECK(r.x0 == Approx(0));
    CHECK(r.x1 == Approx(1024));
    v.centre_on(1000);
    CHECK(v.hit(512, 512) == 1000u);
    CHECK(v.pixel_x(1000) <= 512);
    CHECK(v.pixel_x(1000) + v.zoom() > 512);
}

TEST_CASE("page-table frames decode into entries", "[gui][frame]") {
    mm::FrameInfo f = typed(1, mm::FrameType::L2);
    CHECK(table_level(f) == 2);
    CHECK(table_level(typed(1, mm::FrameType::L2, 0)) == 0);
    CHECK(table_level(typed(1, mm::FrameType::Writable)) == 0);
    std::array<u64, 512> e{};
    e[3] = 0x0000000012345067ull;   // present, writable, user, accessed, dirty
    e[511] = 0x8000000000abc0e3ull; // superpage, NX
    auto rows = decode_table(e, 2, true);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].index == 3);
    CHECK(rows[0].mfn == 0x12345);
    CHECK(rows[0].va_span == 2u << 20);
    CHECK(rows[1].mfn == 0xabc);
    CHECK(decode_table(e, 2, false).size() == 512);
    u8 bytes[20] = {'H', 'i', 0};
    auto hex = hex_rows(bytes, sizeof bytes, 0x1000);
    REQUIRE(hex.size() == 2);
    CHECK(hex[0].rfind("00001000  48 69 00", 0) == 0);
    CHECK(hex[0].find("|Hi..") != std::string::npos);
}
