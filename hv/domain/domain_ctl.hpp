// Domain life cycle as domain 0's control interface drives it: create,
// build, pause, unpause, information. (Destruction: domain_destroy.hpp.)
#pragma once

#include "hv/abi/domctl.hpp"
#include "hv/core/elf/load_status.hpp"
#include "hv/domain/domain.hpp"
#include "hv/lib/result.hpp"

// A new, empty domain (state building, paused once). XEN_EINVAL for bad
// parameters, XEN_ENOSPC when no domain id is free, XEN_ENOMEM.
[[nodiscard]] Result<Domain*> domain_create(const xen::DomctlCreate& params);
// Builds a created domain from an ELF image in hypervisor memory.
[[nodiscard]] LoadStatus domain_build(Domain* d, const u8* image, u64 size, const char* cmdline);
// Frees a domain that never ran (creation or build failed).
void domain_free_unbuilt(Domain* d);

void domain_pause(Domain* d);
[[nodiscard]] Status domain_unpause(Domain* d);
// Domain 0's pauses (DOMCTL_pausedomain/unpausedomain): it may undo only
// its own, XEN_EINVAL otherwise, so it never releases a debugger's stop.
void domain_pause_by_controller(Domain* d);
[[nodiscard]] Status domain_unpause_by_controller(Domain* d);
// One of domain 0's pauses becomes the host's (XEN_EINVAL if it holds
// none); the host's tools release it with domain_unpause_by_host.
[[nodiscard]] Status domain_hand_pause_to_host(Domain* d);
[[nodiscard]] Status domain_unpause_by_host(Domain* d);
void domain_fill_info(const Domain* d, xen::DomctlInfo& out);
