#include "hv/traps/vmce.hpp"

namespace {
constexpr u32 MSR_MCG_CAP = 0x179;
constexpr u32 MSR_MCG_STATUS = 0x17A;
constexpr u32 MSR_MC0_CTL = 0x400; // bank i: CTL, STATUS, ADDR, MISC at 0x400 + 4i
constexpr u32 kBankMsrs = 4 * kVmceBanks;
} // namespace

bool vmce_rdmsr(u32 msr, u64& value) {
    switch (msr) {
    case MSR_MCG_CAP:
        // The bank count only: no MCG_CTL, no CMCI, no software recovery.
        value = kVmceBanks;
        return true;
    case MSR_MCG_STATUS:
        value = 0; // no machine check in progress
        return true;
    default:
        if (msr < MSR_MC0_CTL || msr >= MSR_MC0_CTL + kBankMsrs) return false;
        // MCi_CTL reads all ones (every error type reported), as Xen's vMCE
        // shows it; STATUS, ADDR and MISC hold no error.
        value = (msr - MSR_MC0_CTL) % 4 == 0 ? ~u64{0} : 0;
        return true;
    }
}

bool vmce_wrmsr(u32 msr, u64 value) {
    (void)value;
    if (msr == MSR_MCG_STATUS) return true;
    return msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + kBankMsrs;
}
