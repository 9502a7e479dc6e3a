// grant_table_op: grant tables arrive with the domains-and-rings issue.
#include "hv/hypercall/hypercall.hpp"

i64 hc_grant_table_op(Vcpu*, const HypercallArgs&) {
    return hc_error(XEN_ENOSYS);
}
