#include "hv/traps/debugreg.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/arch/x86_64/debugregs.hpp"

namespace {
constexpr u64 kDr7EnableMask = 0xFF; // L0..G3
constexpr u64 kDr7GeneralDetect = 1u << 13;
constexpr u64 kDr6Reserved1 = 0xffff0ff0; // bits that read as 1
constexpr u64 kDr7Reserved1 = 0x400;

bool cr4_de(const Vcpu* v) {
    return v->cr4_guest_bits & arch::CR4_DE;
}

// DR7 with the I/O breakpoints (R/W = 10b, only meaningful with CR4.DE)
// taken out: those are emulated, never given to the hardware.
u64 hardware_dr7(const Vcpu* v) {
    u64 dr7 = v->dr7;
    for (unsigned i = 0; i < 4; i++) {
        if (((dr7 >> (16 + 4 * i)) & 3) == 2) dr7 &= ~(3ull << (2 * i));
    }
    return dr7;
}
} // namespace

void load_debugregs(const Vcpu* v) {
    for (unsigned i = 0; i < 4; i++)
        arch::write_dr(i, v->dr[i]);
    arch::write_dr(7, hardware_dr7(v));
}

Status set_debugreg(Vcpu* v, unsigned reg, u64 value) {
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        // A breakpoint in the hypervisor's range would fire in ring 0.
        if (!xen::guest_addr_ok(value)) return XEN_EPERM;
        v->dr[reg] = value;
        arch::write_dr(reg, value);
        return {};
    case 4:
        if (cr4_de(v)) return XEN_ENODEV;
        [[fallthrough]];
    case 6:
        if (value >> 32) return XEN_EINVAL;
        v->dr6 = value | kDr6Reserved1;
        return {};
    case 5:
        if (cr4_de(v)) return XEN_ENODEV;
        [[fallthrough]];
    case 7: {
        if (value >> 32) return XEN_EINVAL;
        if (value & kDr7GeneralDetect) return XEN_EPERM;
        if (value & kDr7EnableMask) {
            for (unsigned i = 0; i < 4; i++) {
                bool io = ((value >> (16 + 4 * i)) & 3) == 2;
                if (io && !cr4_de(v)) return XEN_EPERM;
            }
        }
        v->dr7 = value | kDr7Reserved1;
        arch::write_dr(7, hardware_dr7(v));
        return {};
    }
    default:
        return XEN_ENODEV;
    }
}

Result<u64> get_debugreg(const Vcpu* v, unsigned reg) {
    switch (reg) {
    case 0:
    case 1:
    case 2:
    case 3:
        return v->dr[reg];
    case 4:
        if (cr4_de(v)) return XEN_ENODEV;
        [[fallthrough]];
    case 6:
        return v->dr6;
    case 5:
        if (cr4_de(v)) return XEN_ENODEV;
        [[fallthrough]];
    case 7:
        return v->dr7;
    default:
        return XEN_ENODEV;
    }
}
