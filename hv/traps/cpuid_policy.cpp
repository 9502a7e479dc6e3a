#include "hv/traps/cpuid_policy.hpp"

namespace {
constexpr u32 kLeaf1EcxHidden = (1u << 3)     // MONITOR: guests cannot MWAIT
                                | (1u << 5)   // VMX
                                | (1u << 6)   // SMX
                                | (1u << 21)  // x2APIC: no APIC for PV guests
                                | (1u << 24)  // TSC deadline
                                | (1u << 26)  // XSAVE: guest XSAVE state is not managed
                                | (1u << 27)  // OSXSAVE
                                | (1u << 28); // AVX needs XSAVE
// Superpages: PV page tables cannot hold PSE entries (Xen's PV policy hides
// PSE, PSE36 and PAGE1GB), and a kernel that sees them maps its direct map
// with 2 MiB / 1 GiB entries the hypervisor must refuse (Linux does).
constexpr u32 kLeaf1EdxHidden = (1u << 9)     // APIC
                                | (1u << 3)   // PSE
                                | (1u << 17); // PSE36
constexpr u32 kExt1EdxHidden = (1u << 26);    // PAGE1GB
constexpr u32 kLeaf7EbxHidden = (1u << 5)     // AVX2
                                | (1u << 16)  // AVX-512F and friends need XSAVE
                                | (1u << 17) | (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) |
                                (1u << 30) | (1u << 31) | (1u << 2) /* SGX */;
constexpr u32 kXenMaxLeaf = 0x40000002;
} // namespace

arch::CpuidResult guest_cpuid(const Vcpu* v, u32 leaf, u32 subleaf) {
    if (leaf >= 0x40000000 && leaf < 0x40010000) {
        // Xen's signature leaves: "XenVMMXenVMM", version, hypercall pages.
        switch (leaf) {
        case 0x40000000:
            return {kXenMaxLeaf, 0x566e6558, 0x65584d4d, 0x4d4d566e};
        case 0x40000001:
            return {(4u << 16) | 17u, 0, 0, 0};
        case 0x40000002:
            return {1, 0x40000000, 0, 0};
        default:
            return {0, 0, 0, 0};
        }
    }
    arch::CpuidResult r = arch::cpuid(leaf, subleaf);
    switch (leaf) {
    case 1:
        r.ecx &= ~kLeaf1EcxHidden;
        r.ecx |= 1u << 31; // running on a hypervisor
        r.edx &= ~kLeaf1EdxHidden;
        // Initial APIC id: the vCPU number, not the physical CPU's.
        r.ebx = (r.ebx & 0x00FFFFFF) | (v ? (v->id << 24) : 0);
        break;
    case 7:
        if (subleaf == 0) r.ebx &= ~kLeaf7EbxHidden;
        r.ecx = 0; // AVX-512 bits, PKU, UMIP, ...: not virtualised
        r.edx = 0;
        break;
    case 0x80000001:
        r.edx &= ~kExt1EdxHidden;
        break;
    case 0xD:
        r = {0, 0, 0, 0}; // no XSAVE state components
        break;
    default:
        break;
    }
    return r;
}
