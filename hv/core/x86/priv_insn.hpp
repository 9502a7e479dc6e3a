// Decoder for the privileged and sensitive instructions a PV guest kernel
// executes in ring 3 and that the hypervisor emulates on the resulting #GP
// (docs/pv-abi.md §5.7): MOV to/from CR and DR, RDMSR/WRMSR, CPUID, CLTS,
// WBINVD, IN/OUT (immediate and DX forms), CLI/STI, and INT n. Pure
// function of the instruction bytes, so it is tested on the host.
#pragma once

#include "hv/lib/types.hpp"

namespace x86 {

enum class PrivOp : u8 {
    unknown,
    mov_from_cr, // reg = CR number, gpr = destination
    mov_to_cr,   // reg = CR number, gpr = source
    mov_from_dr,
    mov_to_dr,
    rdmsr,
    wrmsr,
    cpuid,
    clts,
    wbinvd,
    in_imm, // port = imm8, size bytes
    in_dx,
    out_imm,
    out_dx,
    cli,
    sti,
    int_n, // imm = vector
    int3,
    into,
    rdtsc,
    rdtscp,
};

struct PrivInsn {
    PrivOp op = PrivOp::unknown;
    u8 length = 0; // bytes consumed, prefixes included
    u8 reg = 0;    // CR/DR number
    u8 gpr = 0;    // general register index in x86 encoding order (0 = rax .. 15 = r15)
    u8 size = 0;   // operand size for IN/OUT: 1, 2 or 4
    u8 imm = 0;    // port for IN/OUT imm8, vector for INT n
};

// Decodes the instruction at bytes[0..n). Unknown or truncated encodings
// give PrivOp::unknown.
PrivInsn decode_priv_insn(const u8* bytes, usize n);

} // namespace x86
