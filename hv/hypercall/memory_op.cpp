// memory_op (docs/pv-abi.md §3.4.8): reservation queries. Ballooning
// (increase/decrease_reservation, populate_physmap, exchange) arrives with
// the memory issue; until then those answer -ENOSYS.
#include "hv/abi/layout.hpp"
#include "hv/domain/domain.hpp"
#include "hv/hypercall/hypercall.hpp"
#include "hv/kernel/memory.hpp"
#include "hv/mm/guest_access.hpp"

namespace {
constexpr unsigned XENMEM_maximum_ram_page = 2;
constexpr unsigned XENMEM_current_reservation = 3;
constexpr unsigned XENMEM_maximum_reservation = 4;
} // namespace

i64 hc_memory_op(Vcpu* v, const HypercallArgs& a) {
    unsigned cmd = static_cast<unsigned>(a.a[0]) & 0x3F; // higher bits: continuation
    switch (cmd) {
    case XENMEM_maximum_ram_page:
        return static_cast<i64>(machine_frames() - 1);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: {
        u16 domid;
        if (!read_guest(domid, a.a[1]).ok()) return hc_error(XEN_EFAULT);
        if (domid != xen::DOMID_SELF && domid != v->domain->id) return hc_error(XEN_ESRCH);
        Domain* d = v->domain;
        return static_cast<i64>(cmd == XENMEM_current_reservation ? d->nr_pages : d->max_pages);
    }
    default:
        return hc_error(XEN_ENOSYS);
    }
}
