// Whose memory a page-table hypercall names (docs/pv-abi.md §4.4): the
// foreigndom argument of mmu_update (FD in bits 15:0, PFD+1 in bits 31:16)
// and the domid of update_va_mapping_otherdomain. Only the privileged
// domain may name another domain (a toolstack mapping a domU's console
// ring or building its tables); everyone may name itself.
#pragma once

#include "hv/domain/domain.hpp"
#include "hv/lib/result.hpp"

// FD: the owner the mapped frames must have, as a frame-table owner id.
// DOMID_SELF or the caller's id: the caller. DOMID_IO (privileged only):
// MMIO, no RAM. Unknown or dying domain: XEN_ESRCH (looked up first, as
// Xen does); another domain named by an unprivileged caller: XEN_EPERM.
[[nodiscard]] Result<u16> frame_owner(const Vcpu* v, u16 domid);

// PFD+1 (0: the caller): the domain whose page tables are edited.
[[nodiscard]] Result<Domain*> table_owner(const Vcpu* v, u16 pfd_plus_one);
