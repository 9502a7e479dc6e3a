// Builds a 64-bit PV domain from its ELF kernel, as Xen's dom0 builder does
// (docs/pv-abi.md §1.4-§1.10): memory, initial page tables (typed and
// validated like any guest table), start_info, shared_info, hypercall page,
// p2m list and vCPU 0's entry state.
#pragma once

#include "hv/core/elf/load_status.hpp"
#include "hv/domain/domain.hpp"

struct PvBuildRequest {
    const u8* image;
    u64 image_size;
    u64 nr_pages;
    unsigned nr_vcpus;
    const char* cmdline; // the guest's own command line (start_info.cmd_line)
    bool hardware_domain;
    // The initrd (start_info.mod_start/mod_len), copied into the domain's
    // memory; none when initrd_size is 0.
    const u8* initrd = nullptr;
    u64 initrd_size = 0;
};

// On failure nothing is left allocated and the reason names the problem.
[[nodiscard]] LoadStatus build_pv_domain(Domain* d, const PvBuildRequest& req);
