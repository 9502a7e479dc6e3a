// sysctl (docs/pv-abi.md §3.4.22): the interface-version handshake, then
// privilege, then the operation. Glasshouse does not live-patch, so every
// live-patching operation is refused with -EPERM, also to domain 0.
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"

i64 hc_sysctl(Vcpu* v, const HypercallArgs& a) {
    xen::SysctlHeader hdr;
    if (!read_guest(hdr, a.a[0]).ok()) return hc_error(XEN_EFAULT);
    if (hdr.interface_version != xen::XEN_SYSCTL_INTERFACE_VERSION) return hc_error(XEN_EACCES);
    if (!v->domain->privileged) return hc_error(XEN_EPERM);
    switch (hdr.cmd) {
    case xen::XEN_SYSCTL_livepatch_op:
        return hc_error(XEN_EPERM);
    default:
        return hc_error(XEN_ENOSYS);
    }
}
