// Decoder and evaluator for the 8-byte stores a PV kernel makes to its own
// page-table entries (writable page tables, docs/pv-abi.md §3.4.14): MOV
// (register or imm32), AND/OR/XOR (register, imm8 or imm32), XCHG and
// CMPXCHG, each with an optional LOCK prefix and a REX.W operand size; and
// the one-byte AND/OR/XOR with imm8 that Linux's clear_bit/set_bit on a
// constant PTE bit compile to (`lock andb $0xfd,(%r12)` write-protects an
// entry on fork). Anything else, including segment overrides and other
// widths, is not a PTE store and the hypervisor forwards the fault. Pure functions of the
// instruction bytes and a register file, so they are tested on the host.
#pragma once

#include "hv/lib/types.hpp"

namespace x86 {

enum class StoreOp : u8 { mov, and_, or_, xor_, xchg, cmpxchg };

struct PteStore {
    StoreOp op = StoreOp::mov;
    u8 length = 0;        // bytes consumed, prefixes included
    u8 width = 8;         // operand bytes: 8, or 1 for the imm8 byte forms
    bool from_reg = true; // source is gpr `reg`, else `imm`
    u8 reg = 0;           // x86 encoding order (0 = rax .. 15 = r15)
    u64 imm = 0;          // sign-extended immediate
    // Memory operand: [base + index * scale + disp], or [rip + disp].
    bool rip_relative = false;
    i8 base = -1; // -1: none
    i8 index = -1;
    u8 scale = 1;
    i64 disp = 0;
};

// Decodes bytes[0..n). False for anything that is not one of the forms above.
bool decode_pte_store(const u8* bytes, usize n, PteStore& out);

// The address the store writes, for the instruction at `rip`.
u64 pte_store_address(const PteStore& s, const u64 gpr[16], u64 rip);

// Applies the store to the memory value `old`: `gpr` and `rflags` receive
// what the instruction leaves there (XCHG/CMPXCHG registers, arithmetic
// flags). Returns true and the new memory value if memory is written
// (a failed CMPXCHG writes nothing). `old` and `new_value` are the whole
// 8-byte entry; a one-byte store acts on its byte `byte_offset` (the
// store address & 7), leaving the other seven as they were.
bool apply_pte_store(const PteStore& s, u64 old, u64 gpr[16], u64& rflags, u64& new_value,
                     unsigned byte_offset = 0);

// rflags bits touched.
constexpr u64 kFlagCF = 1u << 0, kFlagPF = 1u << 2, kFlagAF = 1u << 4, kFlagZF = 1u << 6,
              kFlagSF = 1u << 7, kFlagOF = 1u << 11;

} // namespace x86
