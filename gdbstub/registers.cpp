// Register table: one row per gdb register number (see registers.hpp).
#include "gdbstub/registers.hpp"

namespace gdb {

namespace {

constexpr RegInfo kRegs[kRegCount] = {
    {"rax", 64, "int64", RegGroup::Core},          {"rbx", 64, "int64", RegGroup::Core},
    {"rcx", 64, "int64", RegGroup::Core},          {"rdx", 64, "int64", RegGroup::Core},
    {"rsi", 64, "int64", RegGroup::Core},          {"rdi", 64, "int64", RegGroup::Core},
    {"rbp", 64, "data_ptr", RegGroup::Core},       {"rsp", 64, "data_ptr", RegGroup::Core},
    {"r8", 64, "int64", RegGroup::Core},           {"r9", 64, "int64", RegGroup::Core},
    {"r10", 64, "int64", RegGroup::Core},          {"r11", 64, "int64", RegGroup::Core},
    {"r12", 64, "int64", RegGroup::Core},          {"r13", 64, "int64", RegGroup::Core},
    {"r14", 64, "int64", RegGroup::Core},          {"r15", 64, "int64", RegGroup::Core},
    {"rip", 64, "code_ptr", RegGroup::Core},       {"eflags", 32, "i386_eflags", RegGroup::Core},
    {"cs", 32, "int32", RegGroup::Core},           {"ss", 32, "int32", RegGroup::Core},
    {"ds", 32, "int32", RegGroup::Core},           {"es", 32, "int32", RegGroup::Core},
    {"fs", 32, "int32", RegGroup::Core},           {"gs", 32, "int32", RegGroup::Core},
    {"st0", 80, "i387_ext", RegGroup::Core},       {"st1", 80, "i387_ext", RegGroup::Core},
    {"st2", 80, "i387_ext", RegGroup::Core},       {"st3", 80, "i387_ext", RegGroup::Core},
    {"st4", 80, "i387_ext", RegGroup::Core},       {"st5", 80, "i387_ext", RegGroup::Core},
    {"st6", 80, "i387_ext", RegGroup::Core},       {"st7", 80, "i387_ext", RegGroup::Core},
    {"fctrl", 32, "int", RegGroup::Core},          {"fstat", 32, "int", RegGroup::Core},
    {"ftag", 32, "int", RegGroup::Core},           {"fiseg", 32, "int", RegGroup::Core},
    {"fioff", 32, "int", RegGroup::Core},          {"foseg", 32, "int", RegGroup::Core},
    {"fooff", 32, "int", RegGroup::Core},          {"fop", 32, "int", RegGroup::Core},
    {"fs_base", 64, "uint64", RegGroup::Segments}, {"gs_base", 64, "uint64", RegGroup::Segments},
    {"k_gs_base", 64, "uint64", RegGroup::System}, {"cr0", 64, "uint64", RegGroup::System},
    {"cr2", 64, "uint64", RegGroup::System},       {"cr3", 64, "uint64", RegGroup::System},
    {"cr4", 64, "uint64", RegGroup::System},       {"cr8", 64, "uint64", RegGroup::System},
    {"efer", 64, "uint64", RegGroup::System},
};

template <class RF>
auto* bytes_of(RF& rf, unsigned reg) {
    if (reg <= kR15) return reinterpret_cast<decltype(&rf.st[0][0])>(&rf.gpr[reg]);
    if (reg >= kSt0 && reg <= kSt7) return &rf.st[reg - kSt0][0];
    if (reg >= kFctrl && reg <= kFop)
        return reinterpret_cast<decltype(&rf.st[0][0])>(&rf.fpu[reg - kFctrl]);
    if (reg >= kCs && reg <= kGs)
        return reinterpret_cast<decltype(&rf.st[0][0])>(&rf.seg[reg - kCs]);
    auto as = [](auto& v) { return reinterpret_cast<decltype(&rf.st[0][0])>(&v); };
    switch (reg) {
    case kRip:
        return as(rf.rip);
    case kEflags:
        return as(rf.eflags);
    case kFsBase:
        return as(rf.fs_base);
    case kGsBase:
        return as(rf.gs_base);
    case kKernelGsBase:
        return as(rf.kernel_gs_base);
    case kCr0:
        return as(rf.cr0);
    case kCr2:
        return as(rf.cr2);
    case kCr3:
        return as(rf.cr3);
    case kCr4:
        return as(rf.cr4);
    case kCr8:
        return as(rf.cr8);
    default:
        return as(rf.efer);
    }
}

} // namespace

const RegInfo& reg_info(unsigned reg) {
    return kRegs[reg < kRegCount ? reg : 0];
}

u8* reg_bytes(RegisterFile& rf, unsigned reg) {
    return bytes_of(rf, reg);
}

const u8* reg_bytes(const RegisterFile& rf, unsigned reg) {
    return bytes_of(rf, reg);
}

usize register_file_hex_size() {
    usize n = 0;
    for (unsigned r = 0; r < kRegCount; ++r)
        n += 2 * reg_size(r);
    return n;
}

} // namespace gdb
