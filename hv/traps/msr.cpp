#include "hv/traps/msr.hpp"

#include "hv/abi/layout.hpp"
#include "hv/arch/x86_64/cpu.hpp"
#include "hv/kernel/log.hpp"
#include "hv/traps/vmce.hpp"

namespace {
constexpr u32 MSR_TSC = 0x10;
constexpr u32 MSR_PLATFORM_INFO = 0xCE;
constexpr u32 MSR_MISC_FEATURES_ENABLES = 0x140;
constexpr u32 MSR_MISC_ENABLE = 0x1A0;
constexpr u32 MSR_DEBUGCTL = 0x1D9;
constexpr u32 MSR_PAT = 0x277;
// Xen's PAT as PV guests see it.
constexpr u64 kXenPat = 0x0000050100070406ull;
// MISC_ENABLE as shown: perf monitoring hidden (BTS and PEBS unavailable),
// xTPR updates disabled, as Xen presents it.
constexpr u64 kMiscEnableShown = (1ull << 11) | (1ull << 12) | (1ull << 23);
} // namespace

Result<u64> guest_rdmsr(Vcpu* v, u32 msr) {
    switch (msr) {
    case arch::MSR_FS_BASE:
        return arch::rdmsr(arch::MSR_FS_BASE);
    case arch::MSR_GS_BASE:
        return arch::rdmsr(arch::MSR_GS_BASE);
    case arch::MSR_KERNEL_GS_BASE:
        // The guest's inactive GS base; the real MSR belongs to the hypervisor.
        return v->kernel_mode ? v->gs_base_user : v->gs_base_kernel;
    case arch::MSR_EFER:
        return arch::rdmsr(arch::MSR_EFER) &
               (arch::EFER_SCE | arch::EFER_LME | arch::EFER_NXE | (1ull << 10) /* LMA */);
    case MSR_PAT:
        return kXenPat;
    case MSR_TSC:
        return arch::rdtsc();
    case arch::MSR_APIC_BASE:
        // A fixed "enabled, default base" value; BSP bit on vCPU 0.
        return 0xFEE00000ull | (1ull << 11) | (v->id == 0 ? (1ull << 8) : 0);
    case MSR_MISC_ENABLE:
        return kMiscEnableShown;
    case MSR_PLATFORM_INFO:
        // Bit 31: CPUID faulting available; the hypervisor emulates it for
        // guest user mode through the forced-emulation path only, so it is
        // not offered.
        return 0;
    case MSR_MISC_FEATURES_ENABLES:
        return v->misc_features_enables;
    case MSR_DEBUGCTL:
        // Kept virtual and zero: QEMU's TCG does not implement the real MSR
        // (docs/pv-abi.md §7.0), and no branch tracing is offered.
        return 0;
    default: {
        u64 value = 0;
        if (vmce_rdmsr(msr, value)) return value;
        return XEN_EPERM;
    }
    }
}

Status guest_wrmsr(Vcpu* v, u32 msr, u64 value) {
    switch (msr) {
    case arch::MSR_FS_BASE:
        if (!xen::is_canonical(value)) return XEN_EINVAL;
        v->fs_base = value;
        arch::wrmsr(arch::MSR_FS_BASE, value);
        return {};
    case arch::MSR_GS_BASE:
        if (!xen::is_canonical(value)) return XEN_EINVAL;
        if (v->kernel_mode)
            v->gs_base_kernel = value;
        else
            v->gs_base_user = value;
        arch::wrmsr(arch::MSR_GS_BASE, value);
        return {};
    case arch::MSR_KERNEL_GS_BASE:
        if (!xen::is_canonical(value)) return XEN_EINVAL;
        if (v->kernel_mode)
            v->gs_base_user = value;
        else
            v->gs_base_kernel = value;
        return {};
    case arch::MSR_EFER:
        return value == *guest_rdmsr(v, msr) ? Status{} : Status{XEN_EPERM};
    case MSR_MISC_ENABLE:
        if (value != kMiscEnableShown)
            LOG_DEBUG("d%u: ignoring MISC_ENABLE write %lx", v->id, value);
        return {};
    case MSR_MISC_FEATURES_ENABLES:
        // CPUID faulting is not offered (PLATFORM_INFO bit 31 clear).
        return value == 0 ? Status{} : Status{XEN_EPERM};
    case MSR_DEBUGCTL:
        return value == 0 ? Status{} : Status{XEN_EPERM};
    default:
        return vmce_wrmsr(msr, value) ? Status{} : Status{XEN_EPERM};
    }
}
