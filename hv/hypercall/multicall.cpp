// multicall (docs/pv-abi.md §1.11, §3.4.9): a batch of hypercalls in one
// entry, executed in order; each entry's result is written back before the
// next runs, so later entries observe earlier ones (xsa-286). An iret in the
// batch ends it at once (xsa-213).
#include "hv/abi/hypercalls.hpp"
#include "hv/abi/xen.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/mm/guest_access.hpp"

i64 hc_multicall(Vcpu* v, const HypercallArgs& a) {
    u64 list = a.a[0];
    u64 nr = a.a[1];
    if (v->in_multicall) return hc_error(XEN_EINVAL);
    v->in_multicall = true;
    i64 rc = 0;
    for (u64 i = 0; i < nr; i++) {
        u64 at = list + i * sizeof(xen::MulticallEntry);
        xen::MulticallEntry e;
        if (!read_guest(e, at).ok()) {
            rc = hc_error(XEN_EFAULT);
            break;
        }
        HypercallArgs args{{e.args[0], e.args[1], e.args[2], e.args[3], e.args[4]}};
        i64 result = e.op == xen::HC_multicall ? hc_error(XEN_EINVAL) : do_hypercall(v, e.op, args);
        if (v->regs_replaced) break; // iret: the guest continues at its target
        if (!write_guest(at + offsetof(xen::MulticallEntry, result), result).ok()) {
            rc = hc_error(XEN_EFAULT);
            break;
        }
        if (v->domain->state != DomainState::running) break;
    }
    v->in_multicall = false;
    return rc;
}
