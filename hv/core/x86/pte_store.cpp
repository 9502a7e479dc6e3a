#include "hv/core/x86/pte_store.hpp"

namespace x86 {

namespace {

constexpr u64 kArithFlags = kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF | kFlagOF;

// ModRM memory operand (mod != 3) at p[0]; returns bytes used, 0 if the
// operand is a register or the bytes run out.
usize decode_modrm(const u8* p, usize n, u8 rex, PteStore& s) {
    if (n < 1) return 0;
    u8 modrm = p[0];
    unsigned mod = modrm >> 6, rm = modrm & 7;
    if (mod == 3) return 0;
    usize used = 1;
    if (rm == 4) {
        if (n < 2) return 0;
        u8 sib = p[1];
        used = 2;
        unsigned idx = ((sib >> 3) & 7) | ((rex & 2) ? 8 : 0);
        unsigned base = (sib & 7) | ((rex & 1) ? 8 : 0);
        s.scale = static_cast<u8>(1u << (sib >> 6));
        s.index = idx == 4 ? -1 : static_cast<i8>(idx); // rsp cannot be an index
        if ((sib & 7) == 5 && mod == 0) {
            s.base = -1; // disp32, no base
            mod = 2;     // read a 32-bit displacement
        } else {
            s.base = static_cast<i8>(base);
        }
    } else if (rm == 5 && mod == 0) {
        s.rip_relative = true;
        mod = 2;
    } else {
        s.base = static_cast<i8>(rm | ((rex & 1) ? 8 : 0));
    }
    if (mod == 1) {
        if (n < used + 1) return 0;
        s.disp = static_cast<i8>(p[used]);
        used += 1;
    } else if (mod == 2) {
        if (n < used + 4) return 0;
        u32 d = static_cast<u32>(p[used]) | static_cast<u32>(p[used + 1]) << 8 |
                static_cast<u32>(p[used + 2]) << 16 | static_cast<u32>(p[used + 3]) << 24;
        s.disp = static_cast<i32>(d);
        used += 4;
    }
    return used;
}

// The logic ops of group 1 (opcodes 80, 81, 83) by their ModRM reg field;
// false for ADD/ADC/SBB/SUB/CMP, which no page-table store uses.
bool group1_op(unsigned regfield, StoreOp& op) {
    switch (regfield) {
    case 1:
        op = StoreOp::or_;
        return true;
    case 4:
        op = StoreOp::and_;
        return true;
    case 6:
        op = StoreOp::xor_;
        return true;
    default:
        return false;
    }
}

bool parity_even(u64 v) {
    return (__builtin_popcount(static_cast<unsigned>(v & 0xFF)) & 1) == 0;
}

u64 logic_flags(u64 rflags, u64 res, unsigned width = 8) {
    rflags &= ~kArithFlags;
    if (res == 0) rflags |= kFlagZF;
    if ((res >> (width * 8 - 1)) & 1) rflags |= kFlagSF;
    if (parity_even(res)) rflags |= kFlagPF;
    return rflags;
}

// The imm8 byte forms (80 /1, /4, /6 ib), with an optional REX for the
// address registers; i is just past the LOCK prefix.
bool decode_byte_logic(const u8* bytes, usize n, usize i, PteStore& out) {
    PteStore s;
    s.width = 1;
    s.from_reg = false;
    u8 rex = 0;
    if (i < n && (bytes[i] & 0xF0) == 0x40) rex = bytes[i++];
    if (i >= n || bytes[i] != 0x80) return false;
    i++;
    if (i >= n) return false;
    unsigned regfield = (bytes[i] >> 3) & 7;
    usize used = decode_modrm(bytes + i, n - i, rex, s);
    if (!used) return false;
    i += used;
    if (!group1_op(regfield, s.op)) return false;
    if (i + 1 > n) return false;
    s.imm = bytes[i++];
    s.length = static_cast<u8>(i);
    out = s;
    return true;
}

bool apply_byte_store(const PteStore& s, u64 old, u64& rflags, u64& new_value, unsigned off) {
    unsigned shift = (off & 7) * 8;
    u64 b = (old >> shift) & 0xFF, src = s.imm & 0xFF, res = 0;
    switch (s.op) {
    case StoreOp::and_:
        res = b & src;
        break;
    case StoreOp::or_:
        res = b | src;
        break;
    case StoreOp::xor_:
        res = b ^ src;
        break;
    default:
        return false;
    }
    rflags = logic_flags(rflags, res, 1);
    new_value = (old & ~(u64{0xFF} << shift)) | (res << shift);
    return true;
}

// Flags of CMP a, b (a - b), as CMPXCHG sets them.
u64 cmp_flags(u64 rflags, u64 a, u64 b) {
    u64 res = a - b;
    rflags = logic_flags(rflags, res);
    if (a < b) rflags |= kFlagCF;
    if (((a ^ b) & (a ^ res)) >> 63) rflags |= kFlagOF;
    if ((a ^ b ^ res) & 0x10) rflags |= kFlagAF;
    return rflags;
}

} // namespace

bool decode_pte_store(const u8* bytes, usize n, PteStore& out) {
    PteStore s;
    usize i = 0;
    // LOCK, and the ES/CS/SS/DS overrides, which long mode ignores (Linux's
    // uniprocessor alternatives turn LOCK into a DS prefix).
    bool lock = false;
    while (i < n && i < 4) {
        u8 p = bytes[i];
        if (p == 0xF0) {
            lock = true;
        } else if (p != 0x26 && p != 0x2E && p != 0x36 && p != 0x3E) {
            break;
        }
        i++;
    }
    if (decode_byte_logic(bytes, n, i, out)) return true;
    if (i >= n || (bytes[i] & 0xF0) != 0x40) return false;
    u8 rex = bytes[i++];
    if (!(rex & 8)) return false; // 8-byte operands only
    if (i >= n) return false;
    u8 opc = bytes[i++];
    bool imm8 = false, imm32 = false;
    switch (opc) {
    case 0x89:
        s.op = StoreOp::mov;
        break;
    case 0x87:
        s.op = StoreOp::xchg;
        break;
    case 0x09:
        s.op = StoreOp::or_;
        break;
    case 0x21:
        s.op = StoreOp::and_;
        break;
    case 0x31:
        s.op = StoreOp::xor_;
        break;
    case 0xC7:
        s.from_reg = false;
        imm32 = true;
        break;
    case 0x81:
        s.from_reg = false;
        imm32 = true;
        break;
    case 0x83:
        s.from_reg = false;
        imm8 = true;
        break;
    case 0x0F:
        if (i >= n || bytes[i] != 0xB1) return false;
        i++;
        s.op = StoreOp::cmpxchg;
        break;
    default:
        return false;
    }
    if (i >= n) return false;
    unsigned regfield = (bytes[i] >> 3) & 7;
    usize used = decode_modrm(bytes + i, n - i, rex, s);
    if (!used) return false;
    i += used;
    if (s.from_reg) {
        s.reg = static_cast<u8>(regfield | ((rex & 4) ? 8 : 0));
    } else if (opc == 0xC7) {
        if (regfield != 0) return false;
        s.op = StoreOp::mov;
    } else {
        if (!group1_op(regfield, s.op)) return false;
    }
    if (imm8) {
        if (i + 1 > n) return false;
        s.imm = static_cast<u64>(static_cast<i64>(static_cast<i8>(bytes[i])));
        i += 1;
    } else if (imm32) {
        if (i + 4 > n) return false;
        u32 v = static_cast<u32>(bytes[i]) | static_cast<u32>(bytes[i + 1]) << 8 |
                static_cast<u32>(bytes[i + 2]) << 16 | static_cast<u32>(bytes[i + 3]) << 24;
        s.imm = static_cast<u64>(static_cast<i64>(static_cast<i32>(v)));
        i += 4;
    }
    // LOCK is only architectural on read-modify-write forms.
    if (lock && s.op == StoreOp::mov) return false;
    if (i > 15) return false;
    s.length = static_cast<u8>(i);
    out = s;
    return true;
}

u64 pte_store_address(const PteStore& s, const u64 gpr[16], u64 rip) {
    if (s.rip_relative) return rip + s.length + static_cast<u64>(s.disp);
    u64 ea = static_cast<u64>(s.disp);
    if (s.base >= 0) ea += gpr[s.base];
    if (s.index >= 0) ea += gpr[s.index] * s.scale;
    return ea;
}

bool apply_pte_store(const PteStore& s, u64 old, u64 gpr[16], u64& rflags, u64& new_value,
                     unsigned byte_offset) {
    if (s.width == 1) return apply_byte_store(s, old, rflags, new_value, byte_offset);
    u64 src = s.from_reg ? gpr[s.reg] : s.imm;
    switch (s.op) {
    case StoreOp::mov:
        new_value = src;
        return true;
    case StoreOp::and_:
        new_value = old & src;
        rflags = logic_flags(rflags, new_value);
        return true;
    case StoreOp::or_:
        new_value = old | src;
        rflags = logic_flags(rflags, new_value);
        return true;
    case StoreOp::xor_:
        new_value = old ^ src;
        rflags = logic_flags(rflags, new_value);
        return true;
    case StoreOp::xchg:
        new_value = src;
        gpr[s.reg] = old;
        return true;
    case StoreOp::cmpxchg:
        rflags = cmp_flags(rflags, gpr[0], old);
        if (gpr[0] != old) {
            gpr[0] = old;
            return false;
        }
        new_value = src;
        return true;
    }
    return false;
}

} // namespace x86
