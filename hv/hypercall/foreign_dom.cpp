#include "hv/hypercall/foreign_dom.hpp"

#include "hv/abi/layout.hpp"
#include "hv/domain/domain_alloc.hpp"

namespace {

Result<Domain*> other_domain(const Vcpu* v, u16 domid) {
    Domain* d = domid < xen::DOMID_FIRST_RESERVED ? domain_lookup(domid) : nullptr;
    // A dying domain is giving its frames back; new references would only
    // delay that (and its tables are being devalidated).
    if (!d || d->state == DomainState::dying) return XEN_ESRCH;
    if (!v->domain->privileged) return XEN_EPERM;
    return d;
}

} // namespace

Result<u16> frame_owner(const Vcpu* v, u16 domid) {
    Domain* self = v->domain;
    if (domid == xen::DOMID_SELF || domid == self->id) return self->id;
    // DOMID_XEN is refused: in our frame table every hypervisor frame is
    // owned by it, not just the few Xen shares with dom0 through dom_xen.
    if (domid == xen::DOMID_XEN) return XEN_EPERM;
    if (domid == xen::DOMID_IO) {
        if (!self->privileged) return XEN_EPERM;
        return xen::DOMID_IO;
    }
    auto d = other_domain(v, domid);
    if (!d) return d.error();
    return (*d)->id;
}

Result<Domain*> table_owner(const Vcpu* v, u16 pfd_plus_one) {
    if (pfd_plus_one == 0) return v->domain;
    u16 domid = static_cast<u16>(pfd_plus_one - 1);
    if (domid == v->domain->id) return v->domain;
    return other_domain(v, domid);
}
