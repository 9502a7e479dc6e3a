// The pv64 hypercall page bytes of pv-abi §1.10.
#include "hv/core/domain/hypercall_page.hpp"

#include <catch2/catch.hpp>

#include <vector>

TEST_CASE("Hypercall page: 128 stubs of 32 bytes, int3 padding", "[hypercall_page]") {
    std::vector<u8> page(kPageSize, 0xc3); // XTF pre-fills with ret
    fill_pv64_hypercall_page(page.data());

    SECTION("normal stub: push rcx; push r11; mov $nr,%eax; syscall; pop r11; pop rcx; ret") {
        const u8 want[32] = {0x51, 0x41, 0x53, 0xb8, 0x12, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x41,
                             0x5b, 0x59, 0xc3, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
                             0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};
        CHECK(std::vector<u8>(page.begin() + 18 * 32, page.begin() + 19 * 32) ==
              std::vector<u8>(want, want + 32));
    }
    SECTION("iret stub (23): push rcx; push r11; push rax; mov $23,%eax; syscall") {
        const u8 want[32] = {0x51, 0x41, 0x53, 0x50, 0xb8, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x05,
                             0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
                             0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc};
        CHECK(std::vector<u8>(page.begin() + 23 * 32, page.begin() + 24 * 32) ==
              std::vector<u8>(want, want + 32));
    }
    SECTION("every other stub differs only in its number") {
        CHECK(page[0] != 0xc3); // what XTF checks
        for (unsigned nr = 0; nr < kHypercallStubCount; nr++) {
            if (nr == 23) continue;
            const u8* s = page.data() + nr * kHypercallStubSize;
            INFO("stub " << nr);
            CHECK(s[3] == 0xb8);
            CHECK(u32(s[4] | s[5] << 8 | s[6] << 16 | u32(s[7]) << 24) == nr);
            CHECK(s[13] == 0xc3);
            for (usize i = 14; i < kHypercallStubSize; i++)
                CHECK(s[i] == 0xcc);
        }
    }
}
