#include "hv/core/x86/priv_insn.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <vector>

using x86::PrivOp;

namespace {
x86::PrivInsn decode(std::initializer_list<u8> bytes) {
    std::vector<u8> v(bytes);
    return x86::decode_priv_insn(v.data(), v.size());
}
} // namespace

TEST_CASE("mov from/to control registers decodes register numbers", "[x86]") {
    auto i = decode({0x0F, 0x20, 0xD8}); // mov %cr3, %rax
    CHECK(i.op == PrivOp::mov_from_cr);
    CHECK(i.reg == 3);
    CHECK(i.gpr == 0);
    CHECK(i.length == 3);

    i = decode({0x41, 0x0F, 0x22, 0xE1}); // mov %r9, %cr4
    CHECK(i.op == PrivOp::mov_to_cr);
    CHECK(i.reg == 4);
    CHECK(i.gpr == 9);
    CHECK(i.length == 4);

    i = decode({0x0F, 0x23, 0xF9}); // mov %rcx, %dr7
    CHECK(i.op == PrivOp::mov_to_dr);
    CHECK(i.reg == 7);
    CHECK(i.gpr == 1);
}

TEST_CASE("port I/O sizes follow the opcode and operand-size prefix", "[x86]") {
    auto i = decode({0xE6, 0x80}); // outb %al, $0x80
    CHECK(i.op == PrivOp::out_imm);
    CHECK(i.size == 1);
    CHECK(i.imm == 0x80);
    CHECK(i.length == 2);

    i = decode({0x66, 0xED}); // inw (%dx), %ax
    CHECK(i.op == PrivOp::in_dx);
    CHECK(i.size == 2);
    CHECK(i.length == 2);

    CHECK(decode({0xEF}).size == 4);
}

TEST_CASE("software interrupts and simple privileged instructions", "[x86]") {
    auto i = decode({0xCD, 0x80});
    CHECK(i.op == PrivOp::int_n);
    CHECK(i.imm == 0x80);
    CHECK(i.length == 2);
    CHECK(decode({0xFA}).op == PrivOp::cli);
    CHECK(decode({0x0F, 0x32}).op == PrivOp::rdmsr);
    CHECK(decode({0x0F, 0x30}).op == PrivOp::wrmsr);
    CHECK(decode({0x0F, 0x06}).op == PrivOp::clts);
    CHECK(decode({0x0F, 0x01, 0xF9}).op == PrivOp::rdtscp);
}

TEST_CASE("truncated or unknown encodings are unknown", "[x86]") {
    CHECK(decode({}).op == PrivOp::unknown);
    CHECK(decode({0x0F}).op == PrivOp::unknown);
    CHECK(decode({0x0F, 0x20}).op == PrivOp::unknown);
    CHECK(decode({0xCD}).op == PrivOp::unknown);
    CHECK(decode({0x90}).op == PrivOp::unknown);
    CHECK(decode({0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
                  0x66, 0x66})
              .op == PrivOp::unknown);
}
