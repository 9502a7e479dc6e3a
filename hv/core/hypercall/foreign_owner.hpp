// Whose memory a page-table hypercall names (docs/pv-abi.md §4.4): the
// foreigndom argument of mmu_update (FD in bits 15:0, PFD+1 in bits 31:16)
// and the domid of update_va_mapping_otherdomain. Only the privileged
// domain may name another domain (a toolstack mapping a domU's console
// ring or building its tables); everyone may name itself. The rules are
// here, portable, so the hypervisor (hv/hypercall/foreign_dom) and the
// replay engine apply the same ones; finding the other domain is theirs.
#pragma once

#include "hv/lib/result.hpp"
#include "hv/lib/types.hpp"

namespace hcore {

// What the caller's lookup found for a domain id other than its own.
enum class OtherDomain : u8 { missing, dying, live };

struct ForeignCaller {
    u16 id;
    bool privileged;
};

// True when `domid` names a real domain other than the caller, which the
// caller must then look up (DOMID_SELF, its own id and the DOMID_* values
// are decided without a lookup).
bool needs_lookup_for_frame_owner(const ForeignCaller& c, u16 domid);
bool needs_lookup_for_table_owner(const ForeignCaller& c, u16 pfd_plus_one);

// FD: the owner the mapped frames must have, as a frame-table owner id.
// DOMID_SELF or the caller's id: the caller. DOMID_IO (privileged only):
// MMIO, no RAM. Unknown or dying domain: XEN_ESRCH (looked up first, as
// Xen does); another domain named by an unprivileged caller: XEN_EPERM.
// `other` is only read when needs_lookup_for_frame_owner().
[[nodiscard]] Result<u16> frame_owner(const ForeignCaller& c, u16 domid, OtherDomain other);

// PFD+1 (0: the caller): the id of the domain whose page tables are edited.
[[nodiscard]] Result<u16> table_owner(const ForeignCaller& c, u16 pfd_plus_one, OtherDomain other);

} // namespace hcore
