// The x86-64 register file gdb sees, in the order of our target description
// (target.xml): gdb's amd64 core registers first (numbers 0-39, the order
// gdb's own amd64 code expects), then the segment bases and the system
// registers. 'g' packets carry them in this order, little-endian; 'p'/'P'
// address them by these numbers.
#pragma once

#include "gdbstub/base.hpp"

namespace gdb {

enum Reg : u8 {
    kRax,
    kRbx,
    kRcx,
    kRdx,
    kRsi,
    kRdi,
    kRbp,
    kRsp,
    kR8,
    kR9,
    kR10,
    kR11,
    kR12,
    kR13,
    kR14,
    kR15,
    kRip,
    kEflags,
    kCs,
    kSs,
    kDs,
    kEs,
    kFs,
    kGs,
    kSt0,
    kSt1,
    kSt2,
    kSt3,
    kSt4,
    kSt5,
    kSt6,
    kSt7,
    kFctrl,
    kFstat,
    kFtag,
    kFiseg,
    kFioff,
    kFoseg,
    kFooff,
    kFop,
    kFsBase,
    kGsBase,
    kKernelGsBase,
    kCr0,
    kCr2,
    kCr3,
    kCr4,
    kCr8,
    kEfer,
    kRegCount
};

// Everything a Target reads or writes for one vCPU. Registers the target
// cannot supply (a PV guest's x87 state is not saved on every entry, for
// instance) have their bit set in `unavailable`; gdb then shows
// <unavailable> rather than a made-up zero.
struct RegisterFile {
    u64 gpr[16] = {}; // rax rbx rcx rdx rsi rdi rbp rsp r8..r15 (gdb's order)
    u64 rip = 0;
    u32 eflags = 0;
    u32 seg[6] = {}; // cs ss ds es fs gs selectors
    u8 st[8][10] = {};
    u32 fpu[8] = {}; // fctrl fstat ftag fiseg fioff foseg fooff fop
    u64 fs_base = 0;
    u64 gs_base = 0;
    u64 kernel_gs_base = 0;
    u64 cr0 = 0, cr2 = 0, cr3 = 0, cr4 = 0, cr8 = 0, efer = 0;
    u64 unavailable = 0; // bit n set: register n has no value

    bool available(unsigned reg) const { return !(unavailable >> reg & 1); }
};

enum class RegGroup : u8 { Core, Segments, System };

struct RegInfo {
    const char* name;
    u8 bits;
    const char* type; // target description type
    RegGroup group;
};

const RegInfo& reg_info(unsigned reg);

// Pointer to register reg inside rf (little-endian storage on x86, so the
// bytes are exactly what 'g'/'p' carry).
u8* reg_bytes(RegisterFile& rf, unsigned reg);
const u8* reg_bytes(const RegisterFile& rf, unsigned reg);
inline usize reg_size(unsigned reg) {
    return reg_info(reg).bits / 8;
}

// Hex characters of a full 'g' reply: every register, in order.
usize register_file_hex_size();

} // namespace gdb
