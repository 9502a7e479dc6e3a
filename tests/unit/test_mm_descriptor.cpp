#include "hv/core/mm/descriptor.hpp"

#include <catch2/catch.hpp>

using mm::check_descriptor;

namespace {

// 64-bit call gate to `sel`, given DPL, with `reserved` in bits 0..7 of the
// high dword.
u64 call_gate(u16 sel, unsigned dpl, u8 reserved = 0) {
    u32 lo = 0x1234u | (static_cast<u32>(sel) << 16);
    u32 hi = 0x5678'0000u | (1u << 15) | (dpl << 13) | (0xCu << 8) | reserved;
    return (static_cast<u64>(hi) << 32) | lo;
}

} // namespace

TEST_CASE("descriptor: not present is accepted unchanged", "[mm][desc]") {
    u64 d = 0x00AF1A000000FFFFull; // P clear
    REQUIRE(check_descriptor(&d));
    REQUIRE(d == 0x00AF1A000000FFFFull);
    u64 zero = 0;
    REQUIRE(check_descriptor(&zero));
    REQUIRE(zero == 0);
}

TEST_CASE("descriptor: code and data DPL raised to 3", "[mm][desc]") {
    u64 code = 0x00AF9A000000FFFFull; // 64-bit code, DPL 0
    REQUIRE(check_descriptor(&code));
    REQUIRE(code == 0x00AFFA000000FFFFull);
    u64 data = 0x00CFB2000000FFFFull; // data, DPL 1
    REQUIRE(check_descriptor(&data));
    REQUIRE(data == 0x00CFF2000000FFFFull);
    u64 user = 0x00CFF2000000FFFFull; // already DPL 3
    REQUIRE(check_descriptor(&user));
    REQUIRE(user == 0x00CFF2000000FFFFull);
}

TEST_CASE("descriptor: type 0 system descriptor accepted", "[mm][desc]") {
    u64 d = 0x0000800000000000ull; // present, S=0, type 0
    REQUIRE(check_descriptor(&d));
}

TEST_CASE("descriptor: call gates", "[mm][desc]") {
    SECTION("guest GDT selector: DPL moves into the selector RPL, gate DPL 0") {
        u64 d = call_gate(0x0010, 0);
        REQUIRE(check_descriptor(&d));
        REQUIRE(static_cast<u16>(d >> 16) == 0x0013);
        REQUIRE(((d >> 45) & 3) == 0);
        REQUIRE((d & 0xFFFF) == 0x1234); // offset untouched
    }
    SECTION("FLAT_KERNEL_CS and LDT selectors are fine") {
        u64 k = call_gate(0xE033, 3);
        REQUIRE(check_descriptor(&k));
        u64 ldt = call_gate(0xF00C, 3); // TI set
        REQUIRE(check_descriptor(&ldt));
    }
    SECTION("selector in the hypervisor's reserved GDT page is refused") {
        u64 d = call_gate(0xE010, 3);
        REQUIRE_FALSE(check_descriptor(&d));
    }
    SECTION("reserved byte must be zero") {
        u64 d = call_gate(0x0010, 3, 1);
        REQUIRE_FALSE(check_descriptor(&d));
    }
}

TEST_CASE("descriptor: other system descriptors refused", "[mm][desc]") {
    u64 tss = 0x00008900'00000067ull;  // available 64-bit TSS
    u64 intr = 0x00008E00'00100000ull; // interrupt gate
    u64 ldt = 0x00008200'00000FFFull;  // LDT
    REQUIRE_FALSE(check_descriptor(&tss));
    REQUIRE_FALSE(check_descriptor(&intr));
    REQUIRE_FALSE(check_descriptor(&ldt));
}
