#include "hv/domain/guest_mode.hpp"

#include "hv/arch/x86_64/cpu.hpp"

u64 current_l4_mfn(const Vcpu* v) {
    return v->kernel_mode ? v->kernel_l4_mfn : v->user_l4_mfn;
}

void load_guest_mode_state(Vcpu* v) {
    arch::write_cr3(current_l4_mfn(v) << kPageShift);
    arch::wrmsr(arch::MSR_GS_BASE, v->kernel_mode ? v->gs_base_kernel : v->gs_base_user);
    arch::wrmsr(arch::MSR_FS_BASE, v->fs_base);
}

bool toggle_guest_mode(Vcpu* v) {
    // The active GS base may have been changed by the guest itself
    // (WRGSBASE when it enabled FSGSBASE), so read it back before swapping.
    u64 active_gs = arch::rdmsr(arch::MSR_GS_BASE);
    if (v->kernel_mode) {
        if (!v->user_l4_mfn) return false;
        v->gs_base_kernel = active_gs;
        v->kernel_mode = false;
        arch::wrmsr(arch::MSR_GS_BASE, v->gs_base_user);
    } else {
        v->gs_base_user = active_gs;
        v->kernel_mode = true;
        arch::wrmsr(arch::MSR_GS_BASE, v->gs_base_kernel);
    }
    arch::write_cr3(current_l4_mfn(v) << kPageShift);
    return true;
}
