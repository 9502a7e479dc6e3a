#include "gui/model/script.hpp"
#include "gui/model/shortcut.hpp"

#include <catch2/catch.hpp>

using namespace glass::gui;
using K = ScriptStep::Kind;

TEST_CASE("scripts parse into steps", "[gui][script]") {
    auto s = parse_script("wait-domains 3; focus Memory map\npause 1; wait-paused 1 500;"
                          " screenshot /tmp/a b.png; key ctrl+p; resize 1280 720; quit");
    REQUIRE(s.ok());
    REQUIRE(s->size() == 8);
    CHECK((*s)[0].kind == K::WaitDomains);
    CHECK((*s)[0].n == 3);
    CHECK((*s)[0].limit == 3000);
    CHECK((*s)[1].text == "Memory map");
    CHECK((*s)[3].limit == 500);
    CHECK((*s)[4].text == "/tmp/a b.png");
    CHECK((*s)[6].n == 1280);
    CHECK((*s)[6].m == 720);
}

TEST_CASE("selection steps parse", "[gui][script]") {
    auto s = parse_script("frame-class l4 1; frame-class xen; va 0xffffffff80100000");
    REQUIRE(s.ok());
    REQUIRE(s->size() == 3);
    CHECK((*s)[0].kind == K::FrameClass);
    CHECK((*s)[0].text == "l4");
    CHECK((*s)[0].n == 1);
    CHECK((*s)[0].m == 1);
    CHECK((*s)[1].m == 0);
    CHECK(static_cast<unsigned long long>((*s)[2].n) == 0xffffffff80100000ull);
    CHECK_FALSE(parse_script("va zz").ok());
    CHECK_FALSE(parse_script("frame-class").ok());
}

TEST_CASE("bad scripts name the step and say why", "[gui][script]") {
    auto s = parse_script("wait 3; pause one");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error() == "step 2 'pause one': pause wants a domain id");
    CHECK_FALSE(parse_script("fly 3").ok());
    CHECK_FALSE(parse_script("resize 10 10").ok());
    CHECK_FALSE(parse_script("wait-domains 3 x").ok());
    CHECK_FALSE(parse_script("quit now").ok());
}

TEST_CASE("chords parse and print", "[gui][shortcut]") {
    auto c = parse_chord("Ctrl+Shift+p");
    REQUIRE(c);
    CHECK(c->mods == (Chord::Ctrl | Chord::Shift));
    CHECK(c->key == 'P');
    CHECK(chord_name(*c) == "Ctrl+Shift+P");
    CHECK(parse_chord("f5")->key == kKeyF1 + 4);
    CHECK(chord_name(*parse_chord("alt+up")) == "Alt+Up");
    CHECK_FALSE(parse_chord("hyper+p"));
    CHECK_FALSE(parse_chord("ctrl+"));
    CHECK_FALSE(parse_chord("f13"));
}
