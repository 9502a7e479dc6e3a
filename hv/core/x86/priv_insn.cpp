#include "hv/core/x86/priv_insn.hpp"

namespace x86 {

PrivInsn decode_priv_insn(const u8* b, usize n) {
    PrivInsn out;
    usize i = 0;
    bool opsize16 = false;
    u8 rex = 0;
    // Legacy prefixes, then at most one REX immediately before the opcode.
    while (i < n && i < 14) {
        u8 p = b[i];
        if (p == 0x66) {
            opsize16 = true;
        } else if (p == 0x26 || p == 0x2E || p == 0x36 || p == 0x3E || p == 0x64 || p == 0x65 ||
                   p == 0x67 || p == 0xF2 || p == 0xF3 || p == 0xF0) {
            // segment, address-size, rep and lock prefixes: no effect here
        } else {
            break;
        }
        i++;
    }
    if (i < n && (b[i] & 0xF0) == 0x40) rex = b[i++];
    if (i >= n) return out;

    auto finish = [&](PrivOp op, usize len) {
        out.op = op;
        out.length = static_cast<u8>(len);
        return out;
    };
    u8 io_size = opsize16 ? 2 : 4;

    switch (b[i]) {
    case 0xFA:
        return finish(PrivOp::cli, i + 1);
    case 0xFB:
        return finish(PrivOp::sti, i + 1);
    case 0xCC:
        return finish(PrivOp::int3, i + 1);
    case 0xCE:
        return finish(PrivOp::into, i + 1);
    case 0xCD:
        if (i + 1 >= n) return out;
        out.imm = b[i + 1];
        return finish(PrivOp::int_n, i + 2);
    case 0xE4:
    case 0xE5:
    case 0xE6:
    case 0xE7:
        if (i + 1 >= n) return out;
        out.imm = b[i + 1];
        out.size = (b[i] & 1) ? io_size : 1;
        return finish(b[i] < 0xE6 ? PrivOp::in_imm : PrivOp::out_imm, i + 2);
    case 0xEC:
    case 0xED:
    case 0xEE:
    case 0xEF:
        out.size = (b[i] & 1) ? io_size : 1;
        return finish(b[i] < 0xEE ? PrivOp::in_dx : PrivOp::out_dx, i + 1);
    case 0x0F:
        break;
    default:
        return out;
    }

    if (++i >= n) return out;
    u8 op2 = b[i];
    switch (op2) {
    case 0x06:
        return finish(PrivOp::clts, i + 1);
    case 0x09:
        return finish(PrivOp::wbinvd, i + 1);
    case 0x30:
        return finish(PrivOp::wrmsr, i + 1);
    case 0x31:
        return finish(PrivOp::rdtsc, i + 1);
    case 0x32:
        return finish(PrivOp::rdmsr, i + 1);
    case 0xA2:
        return finish(PrivOp::cpuid, i + 1);
    case 0x01:
        if (i + 1 < n && b[i + 1] == 0xF9) return finish(PrivOp::rdtscp, i + 2);
        return out;
    case 0x20:
    case 0x21:
    case 0x22:
    case 0x23: {
        // MOV CR/DR: the ModRM mod field is ignored (always register form).
        if (i + 1 >= n) return out;
        u8 modrm = b[i + 1];
        out.reg = static_cast<u8>(((modrm >> 3) & 7) | ((rex & 0x4) ? 8 : 0));
        out.gpr = static_cast<u8>((modrm & 7) | ((rex & 0x1) ? 8 : 0));
        PrivOp ops[4] = {PrivOp::mov_from_cr, PrivOp::mov_from_dr, PrivOp::mov_to_cr,
                         PrivOp::mov_to_dr};
        return finish(ops[op2 - 0x20], i + 2);
    }
    default:
        return out;
    }
}

} // namespace x86
