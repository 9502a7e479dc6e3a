// platform_op (hypercall 7): the interface-version handshake, then
// privilege, then the command. Domain 0 sets the wall clock with it: Linux
// calls XENPF_settime64 (falling back to settime32 on -ENOSYS) from its
// timekeeping notifier, and retries on every clock tick until one succeeds.
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/platform.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"
#include "hv/time/clock.hpp"

namespace {
constexpr u32 kNsPerSec = 1000000000u;
} // namespace

i64 hc_platform_op(Vcpu* v, const HypercallArgs& a) {
    xen::PlatformOp op;
    if (!read_guest(op, a.a[0]).ok()) return hc_error(XEN_EFAULT);
    if (op.hdr.interface_version != xen::XENPF_INTERFACE_VERSION) return hc_error(XEN_EACCES);
    if (!v->domain->privileged) return hc_error(XEN_EPERM);
    switch (op.hdr.cmd) {
    case xen::XENPF_settime32: {
        const auto& t = op.u.settime32;
        if (t.nsecs >= kNsPerSec) return hc_error(XEN_EINVAL);
        time_set_wallclock(t.secs, t.nsecs, t.system_time);
        return 0;
    }
    case xen::XENPF_settime64: {
        const auto& t = op.u.settime64;
        if (t.mbz != 0 || t.nsecs >= kNsPerSec) return hc_error(XEN_EINVAL);
        time_set_wallclock(t.secs, t.nsecs, t.system_time);
        return 0;
    }
    default:
        return hc_error(XEN_ENOSYS);
    }
}
