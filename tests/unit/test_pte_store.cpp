// The PTE-store decoder used for writable page tables: encodings as GCC
// and Linux emit them for 8-byte page-table writes.
#include "hv/core/x86/pte_store.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <vector>

using namespace x86;

namespace {

PteStore decode(std::initializer_list<u8> b) {
    std::vector<u8> v(b);
    PteStore s;
    REQUIRE(decode_pte_store(v.data(), v.size(), s));
    REQUIRE(s.length == v.size());
    return s;
}

bool refuses(std::initializer_list<u8> b) {
    std::vector<u8> v(b);
    PteStore s;
    return !decode_pte_store(v.data(), v.size(), s);
}

} // namespace

TEST_CASE("pte_store: mov register to memory", "[x86][pte_store]") {
    u64 gpr[16] = {};
    gpr[3] = 0x1000; // rbx
    gpr[7] = 0x8063; // rdi
    // mov %rdi,(%rbx)
    PteStore s = decode({0x48, 0x89, 0x3B});
    REQUIRE(s.op == StoreOp::mov);
    REQUIRE(pte_store_address(s, gpr, 0) == 0x1000);
    u64 fl = 0, nv = 0;
    REQUIRE(apply_pte_store(s, 0, gpr, fl, nv));
    REQUIRE(nv == 0x8063);
    // mov %r9,0x18(%r12,%rcx,8): REX.WRB (0x4D), SIB, disp8
    gpr[12] = 0x2000;
    gpr[1] = 2;
    s = decode({0x4D, 0x89, 0x4C, 0xCC, 0x18});
    REQUIRE(s.reg == 9);
    REQUIRE(pte_store_address(s, gpr, 0) == 0x2000 + 16 + 0x18);
    // mov %rax,0x100(%rip)
    s = decode({0x48, 0x89, 0x05, 0x00, 0x01, 0x00, 0x00});
    REQUIRE(pte_store_address(s, gpr, 0x5000) == 0x5000 + 7 + 0x100);
    // movq $0,(%rax): pte_clear
    s = decode({0x48, 0xC7, 0x00, 0x00, 0x00, 0x00, 0x00});
    REQUIRE((!s.from_reg && s.imm == 0));
}

TEST_CASE("pte_store: read-modify-write forms and flags", "[x86][pte_store]") {
    u64 gpr[16] = {};
    gpr[0] = 0x3000;
    u64 fl = 0x202, nv = 0;
    // lock andq $-3,(%rax): clear RW
    PteStore s = decode({0xF0, 0x48, 0x83, 0x20, 0xFD});
    REQUIRE(s.op == StoreOp::and_);
    REQUIRE(apply_pte_store(s, 0x8067, gpr, fl, nv));
    REQUIRE(nv == 0x8065);
    REQUIRE((fl & (kFlagZF | kFlagCF)) == 0);
    // orq $0x2,(%rax)
    s = decode({0x48, 0x83, 0x08, 0x02});
    REQUIRE(apply_pte_store(s, 0x8065, gpr, fl, nv));
    REQUIRE(nv == 0x8067);
    // andq $0,(%rax) sets ZF
    s = decode({0x48, 0x81, 0x20, 0x00, 0x00, 0x00, 0x00});
    REQUIRE(apply_pte_store(s, 0x8067, gpr, fl, nv));
    REQUIRE(nv == 0);
    REQUIRE((fl & kFlagZF) != 0);
}

TEST_CASE("pte_store: xchg and cmpxchg", "[x86][pte_store]") {
    u64 gpr[16] = {};
    gpr[2] = 0x4000; // rdx = address
    gpr[1] = 0x9063; // rcx = new
    u64 fl = 0, nv = 0;
    // xchg %rcx,(%rdx): ptep_get_and_clear
    PteStore s = decode({0x48, 0x87, 0x0A});
    REQUIRE(apply_pte_store(s, 0x8063, gpr, fl, nv));
    REQUIRE(nv == 0x9063);
    REQUIRE(gpr[1] == 0x8063);
    // lock cmpxchg %rcx,(%rdx): succeeds when rax matches
    s = decode({0xF0, 0x48, 0x0F, 0xB1, 0x0A});
    gpr[0] = 0x8063;
    gpr[1] = 0xA063;
    REQUIRE(apply_pte_store(s, 0x8063, gpr, fl, nv));
    REQUIRE(nv == 0xA063);
    REQUIRE((fl & kFlagZF) != 0);
    // ... and loads the current value into rax when it does not
    gpr[0] = 0x1;
    REQUIRE_FALSE(apply_pte_store(s, 0x8063, gpr, fl, nv));
    REQUIRE(gpr[0] == 0x8063);
    REQUIRE((fl & kFlagZF) == 0);
}

TEST_CASE("pte_store: one-byte AND/OR/XOR imm8 act on their byte of the entry",
          "[x86][pte_store]") {
    u64 gpr[16] = {};
    gpr[12] = 0x6807f10; // r12
    u64 fl = 0x202, nv = 0;
    // lock andb $0xfd,(%r12): Linux's ptep_set_wrprotect on fork
    PteStore s = decode({0xF0, 0x41, 0x80, 0x24, 0x24, 0xFD});
    REQUIRE(s.width == 1);
    REQUIRE(s.op == StoreOp::and_);
    REQUIRE(pte_store_address(s, gpr, 0) == 0x6807f10);
    REQUIRE(apply_pte_store(s, 0x8000000007e5a967ull, gpr, fl, nv, 0));
    CHECK(nv == 0x8000000007e5a965ull);
    CHECK((fl & kFlagZF) == 0);
    CHECK((fl & kFlagSF) == 0);
    // lock orb $0x80,0x7(%rax): set NX, the top byte of the entry
    gpr[0] = 0x3000;
    s = decode({0xF0, 0x80, 0x48, 0x07, 0x80});
    REQUIRE(s.op == StoreOp::or_);
    REQUIRE(pte_store_address(s, gpr, 0) == 0x3007);
    REQUIRE(apply_pte_store(s, 0x0000000007e5a967ull, gpr, fl, nv, 7));
    CHECK(nv == 0x8000000007e5a967ull);
    CHECK((fl & kFlagSF) != 0);
    // xorb $0x01,(%rax) with a zero result
    s = decode({0x80, 0x30, 0x01});
    REQUIRE(apply_pte_store(s, 0x0000000000000001ull, gpr, fl, nv, 0));
    CHECK(nv == 0);
    CHECK((fl & kFlagZF) != 0);
    // ds andb $0xfd,(%r12): the same store once uniprocessor alternatives
    // have replaced LOCK with a DS prefix (ignored in long mode)
    s = decode({0x3E, 0x41, 0x80, 0x24, 0x24, 0xFD});
    REQUIRE(s.op == StoreOp::and_);
    REQUIRE(pte_store_address(s, gpr, 0) == 0x6807f10);
    CHECK(refuses({0x80, 0x00, 0x01})); // addb
    CHECK(refuses({0x80, 0x20}));       // truncated
}

TEST_CASE("pte_store: anything else is not a PTE store", "[x86][pte_store]") {
    CHECK(refuses({0x89, 0x3B}));                   // 4-byte mov
    CHECK(refuses({0x66, 0x48, 0x89, 0x3B}));       // operand-size prefix
    CHECK(refuses({0x65, 0x48, 0x89, 0x3B}));       // %gs override
    CHECK(refuses({0x48, 0x89, 0xC3}));             // register destination
    CHECK(refuses({0x48, 0x8B, 0x03}));             // a load
    CHECK(refuses({0x48, 0x83, 0x00, 0x01}));       // add
    CHECK(refuses({0xF0, 0x48, 0x89, 0x3B}));       // lock mov
    CHECK(refuses({0x48, 0xC7, 0x08, 0, 0, 0, 0})); // C7 /1
    CHECK(refuses({0x48, 0x89}));                   // truncated
    CHECK(refuses({0x48, 0x89, 0x44, 0x24}));       // truncated disp8
}
