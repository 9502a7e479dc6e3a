#include "guest/domid.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/event_channel.hpp"
#include "hv/abi/layout.hpp"

namespace guest {

long discover_domid() {
    xen::EvtchnAllocUnbound alloc{};
    alloc.dom = xen::DOMID_SELF;
    alloc.remote_dom = xen::DOMID_SELF;
    long rc = event_channel_op(xen::EVTCHNOP_alloc_unbound, &alloc);
    if (rc < 0) return rc;

    xen::EvtchnStatusArgs status{};
    status.dom = xen::DOMID_SELF;
    status.port = alloc.port;
    rc = event_channel_op(xen::EVTCHNOP_status, &status);
    if (rc == 0 && status.status != xen::EVTCHNSTAT_unbound) rc = -XEN_EINVAL;

    // Give the port back whatever status said: it is only a probe.
    xen::EvtchnPort close{alloc.port};
    event_channel_op(xen::EVTCHNOP_close, &close);

    if (rc < 0) return rc;
    return status.u.unbound.dom;
}

} // namespace guest
