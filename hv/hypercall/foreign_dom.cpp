// The rules are portable (hv/core/hypercall/foreign_owner); this finds the
// domains they are about.
#include "hv/hypercall/foreign_dom.hpp"

#include "hv/abi/layout.hpp"
#include "hv/core/hypercall/foreign_owner.hpp"
#include "hv/domain/domain_alloc.hpp"

namespace {

hcore::ForeignCaller caller(const Vcpu* v) {
    return {v->domain->id, v->domain->privileged};
}

Domain* lookup(u16 domid) {
    return domid < xen::DOMID_FIRST_RESERVED ? domain_lookup(domid) : nullptr;
}

hcore::OtherDomain liveness(const Domain* d) {
    if (!d) return hcore::OtherDomain::missing;
    return d->state == DomainState::dying ? hcore::OtherDomain::dying : hcore::OtherDomain::live;
}

} // namespace

Result<u16> frame_owner(const Vcpu* v, u16 domid) {
    auto c = caller(v);
    auto other = hcore::needs_lookup_for_frame_owner(c, domid) ? liveness(lookup(domid))
                                                               : hcore::OtherDomain::missing;
    return hcore::frame_owner(c, domid, other);
}

Result<Domain*> table_owner(const Vcpu* v, u16 pfd_plus_one) {
    auto c = caller(v);
    Domain* other = nullptr;
    if (hcore::needs_lookup_for_table_owner(c, pfd_plus_one))
        other = lookup(static_cast<u16>(pfd_plus_one - 1));
    auto id = hcore::table_owner(c, pfd_plus_one, liveness(other));
    if (!id.ok()) return id.error();
    return *id == v->domain->id ? v->domain : other;
}
