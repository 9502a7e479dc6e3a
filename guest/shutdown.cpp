#include "guest/shutdown.hpp"

#include "guest/arch/x86_64/hypercall.hpp"
#include "guest/cmdline.hpp"
#include "guest/console.hpp"
#include "hv/abi/errno.hpp"
#include "hv/abi/xen.hpp"

namespace guest {

void shutdown(xen::ShutdownReason reason) {
    printk("Glasshouse guest: shutting down (%s)\n", shutdown_reason_name(reason));
    xen::SchedShutdown arg{reason};
    long rc = sched_op(xen::SCHEDOP_shutdown, &arg);
    printk("Glasshouse guest: SCHEDOP_shutdown returned %ld (%s)\n", rc,
           xen_errno_name(static_cast<XenErrno>(-rc)));
    for (;;)
        sched_op(xen::SCHEDOP_yield, nullptr);
}

} // namespace guest
