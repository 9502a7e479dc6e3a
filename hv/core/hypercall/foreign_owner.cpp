#include "hv/core/hypercall/foreign_owner.hpp"

#include "hv/abi/layout.hpp"

namespace hcore {

namespace {

// A dying domain is giving its frames back; new references would only
// delay that (and its tables are being devalidated).
Result<u16> other_domain(const ForeignCaller& c, u16 domid, OtherDomain other) {
    if (domid >= xen::DOMID_FIRST_RESERVED || other != OtherDomain::live) return XEN_ESRCH;
    if (!c.privileged) return XEN_EPERM;
    return domid;
}

} // namespace

bool needs_lookup_for_frame_owner(const ForeignCaller& c, u16 domid) {
    return domid != xen::DOMID_SELF && domid != c.id && domid < xen::DOMID_FIRST_RESERVED;
}

bool needs_lookup_for_table_owner(const ForeignCaller& c, u16 pfd_plus_one) {
    if (pfd_plus_one == 0) return false;
    u16 domid = static_cast<u16>(pfd_plus_one - 1);
    return domid != c.id && domid < xen::DOMID_FIRST_RESERVED;
}

Result<u16> frame_owner(const ForeignCaller& c, u16 domid, OtherDomain other) {
    if (domid == xen::DOMID_SELF || domid == c.id) return c.id;
    // DOMID_XEN is refused: in our frame table every hypervisor frame is
    // owned by it, not just the few Xen shares with dom0 through dom_xen.
    if (domid == xen::DOMID_XEN) return XEN_EPERM;
    if (domid == xen::DOMID_IO) {
        if (!c.privileged) return XEN_EPERM;
        return xen::DOMID_IO;
    }
    return other_domain(c, domid, other);
}

Result<u16> table_owner(const ForeignCaller& c, u16 pfd_plus_one, OtherDomain other) {
    if (pfd_plus_one == 0) return c.id;
    u16 domid = static_cast<u16>(pfd_plus_one - 1);
    if (domid == c.id) return c.id;
    return other_domain(c, domid, other);
}

} // namespace hcore
